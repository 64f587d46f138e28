"""The shipped values files say what they promise; bad values are refused by the schema."""

from __future__ import annotations

import re

import pytest

from tests.deploy.rendering import CHART, Helm, HelmFailed, Rendered, component

PEAK = CHART / "values-survey-peak.yaml"
SMALL = CHART / "values-small.yaml"


def _hpa(render: Rendered, service: str) -> dict[str, int]:
    (hpa,) = [h for h in render.of_kind("HorizontalPodAutoscaler") if component(h) == service]
    spec: dict[str, int] = hpa["spec"]
    return spec


def test_survey_peak_scales_investment_tenfold(helm: Helm, default_render: Rendered) -> None:
    peak = helm.template([PEAK])
    default, raised = _hpa(default_render, "investment"), _hpa(peak, "investment")
    assert raised["maxReplicas"] >= 10 * default["maxReplicas"]
    assert raised["minReplicas"] > default["minReplicas"]


def test_survey_peak_pools_connections_through_pgbouncer(helm: Helm) -> None:
    peak = helm.template([PEAK])
    pgbouncer = peak.named("ConfigMap", "moea-moea-cloud-pgbouncer")["data"]["pgbouncer.ini"]
    settings = dict(
        line.split(" = ", 1) for line in pgbouncer.splitlines() if " = " in line and "[" not in line
    )
    assert settings["pool_mode"] == "transaction"
    deployment = peak.named("Deployment", "moea-moea-cloud-pgbouncer")
    servers = int(settings["max_db_connections"]) * deployment["spec"]["replicas"]
    # Bounded server connections, far fewer than the pods' client connections.
    investment = peak.named("Deployment", "moea-moea-cloud-investment")
    env = {
        e["name"]: int(e["value"])
        for e in investment["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    clients = _hpa(peak, "investment")["maxReplicas"] * (
        env["INVESTMENT_DATABASE_POOL_SIZE"] + env["INVESTMENT_DATABASE_MAX_OVERFLOW"]
    )
    assert servers < 200 < clients
    assert clients <= int(settings["max_client_conn"]) * deployment["spec"]["replicas"]


def test_small_installation_has_fixed_single_replicas(helm: Helm) -> None:
    small = helm.template([SMALL])
    assert small.of_kind("HorizontalPodAutoscaler") == []
    services = [d for d in small.of_kind("Deployment") if component(d) != "worker"]
    assert {d["spec"]["replicas"] for d in services} == {1}
    # One replica and minAvailable 1 would block node drains for good.
    assert all("maxUnavailable" in pdb["spec"] for pdb in small.of_kind("PodDisruptionBudget"))


def test_a_valid_override_renders(helm: Helm) -> None:
    """The control for the refusals below: the same keys with good values pass."""
    render = helm.template(sets=["services.investment.port=8080", "services.investment.replicas=0"])
    ports = render.named("Service", "moea-moea-cloud-investment")["spec"]["ports"]
    assert ports[0]["port"] == 8080


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("services.investment.replicaz=3", "Additional property replicaz is not allowed"),
        ("services.billing.enabled=true", "Additional property billing is not allowed"),
        ("imagee.tag=1", "Additional property imagee is not allowed"),
        (
            "services.investment.port=80",
            "services.investment.port: Must be greater than or equal to 1024",
        ),
        (
            "services.investment.replicas=-1",
            "services.investment.replicas: Must be greater than or equal to 0",
        ),
        ("worker.replicas=-2", "worker.replicas: Must be greater than or equal to 0"),
        ("pgbouncer.port=543", "pgbouncer.port: Must be greater than or equal to 1024"),
        ("config.environment=prod", "config.environment"),
    ],
)
def test_bad_values_are_refused(helm: Helm, assignment: str, message: str) -> None:
    with pytest.raises(HelmFailed, match="values don't meet the specifications") as refused:
        helm.template(sets=[assignment])
    assert message in str(refused.value)
    # helm lint --strict, which the CI runs first, refuses it too.
    with pytest.raises(HelmFailed, match=re.escape(message)):
        helm.lint(sets=[assignment])


def test_min_replicas_above_max_is_refused(helm: Helm) -> None:
    with pytest.raises(HelmFailed, match="minReplicas \\(50\\) exceeds maxReplicas"):
        helm.template(sets=["services.investment.autoscaling.minReplicas=50"])
