"""NOTES.txt renders and tells the operator what the release needs (helm template skips it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.deploy.rendering import CHART, Helm


def _render_notes(helm: Helm, chart_copy: Path, values: Path) -> str:
    # Files under templates/ are invisible to .Files, so render a copy of NOTES.txt through tpl.
    shutil.copytree(CHART, chart_copy)
    shutil.copy(chart_copy / "templates" / "NOTES.txt", chart_copy / "notes.txt")
    wrapper = chart_copy / "templates" / "zz-notes.yaml"
    wrapper.write_text('notes: {{ tpl (.Files.Get "notes.txt") . | toJson }}\n')
    output = helm.run(
        "template",
        "moea",
        str(chart_copy),
        "-f",
        str(values),
        "--show-only",
        "templates/zz-notes.yaml",
    )
    notes: str = yaml.safe_load(output)["notes"]
    return notes


def test_notes_list_every_service_and_the_secret(helm: Helm, tmp_path: Path) -> None:
    notes = _render_notes(helm, tmp_path / "chart", CHART / "values-survey-peak.yaml")
    for prefix in ("/ip-search", "/tax-exemption", "/inspection", "/investment"):
        assert f"{prefix}/docs" in notes
        assert f"{prefix}/readyz" in notes
    assert "HPA 20-200 replicas" in notes
    assert 'Secret "moea-cloud"' in notes
    assert "moea-moea-cloud-pgbouncer:6432" in notes
