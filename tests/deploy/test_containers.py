"""The Dockerfile, the compose file and its nginx ingress agree with the service registry."""

from __future__ import annotations

import re
from typing import Any

import yaml

from services.registry import SERVICES
from tests.deploy.rendering import REPO

DEPLOY = REPO / "deploy"


def _final_stage() -> str:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    stages = re.split(r"(?m)^FROM ", dockerfile)
    return stages[-1]


def test_image_runs_as_fixed_non_root_user_without_compilers() -> None:
    final = _final_stage()
    assert re.search(r"(?m)^USER 10001:10001$", final)
    assert "build-essential" not in final and "apt-get" not in final
    assert "PROMETHEUS_MULTIPROC_DIR=/run/prometheus" in final
    assert "build-essential" in (DEPLOY / "Dockerfile").read_text()


def test_dependencies_are_installed_before_the_code_is_copied() -> None:
    builder = (DEPLOY / "Dockerfile").read_text().split("AS runtime")[0]
    assert builder.index("--requirement requirements.txt") < builder.index("COPY common")


def test_the_wheel_is_built_with_the_compiled_engine() -> None:
    builder = (DEPLOY / "Dockerfile").read_text().split("AS runtime")[0]
    assert "COPY setup.py ./" in builder
    assert builder.index("COPY setup.py ./") < builder.index("pip wheel")


def _compose() -> dict[str, Any]:
    compose: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return compose


def test_compose_runs_every_service_the_worker_and_the_backends() -> None:
    services = _compose()["services"]
    assert {"postgres", "redis", "opensearch", "worker", "ingress", "migrate"} <= set(services)
    for name in SERVICES:
        command = services[name]["command"]
        assert command[:4] == ["moea", "serve", "--service", name]
        assert "--no-migrate" in command
        assert services[name]["read_only"] is True
        assert services[name]["environment"]["SERVICE_PREFIX"] == SERVICES[name].url_prefix
    assert services["worker"]["command"] == ["moea", "worker"]


def test_nginx_routes_each_prefix_to_its_service() -> None:
    config = (DEPLOY / "nginx.conf").read_text()
    routes = dict(re.findall(r"location (/[a-z-]+)/\s+\{ proxy_pass http://([a-z_]+); \}", config))
    assert routes == {manifest.url_prefix: name for name, manifest in SERVICES.items()}
