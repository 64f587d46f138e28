"""The rendered objects point at each other: selectors, HPAs, PDBs, Services, Ingress, hooks."""

from __future__ import annotations

from services.registry import SERVICES
from tests.deploy.rendering import Helm, Manifest, Rendered, component, pod_labels, selects

SERVICE_COMPONENTS = {name.replace("_", "-"): manifest for name, manifest in SERVICES.items()}


def test_deployment_selectors_match_their_pods(render: Rendered) -> None:
    for deployment in render.of_kind("Deployment"):
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector, deployment["metadata"]["name"]
        assert selects(selector, pod_labels(deployment)), deployment["metadata"]["name"]
        others = [d for d in render.of_kind("Deployment") if d is not deployment]
        assert not any(selects(selector, pod_labels(other)) for other in others)


def test_services_and_pdbs_select_exactly_one_deployment(render: Rendered) -> None:
    deployments = render.of_kind("Deployment")
    for service in render.of_kind("Service"):
        matched = [d for d in deployments if selects(service["spec"]["selector"], pod_labels(d))]
        assert len(matched) == 1, service["metadata"]["name"]
        ports = {p["name"] for c in _containers(matched[0]) for p in c.get("ports", [])}
        assert {port["targetPort"] for port in service["spec"]["ports"]} <= ports
    for pdb in render.of_kind("PodDisruptionBudget"):
        selector = pdb["spec"]["selector"]["matchLabels"]
        assert len([d for d in deployments if selects(selector, pod_labels(d))]) == 1


def test_no_replicas_beside_an_hpa(render: Rendered) -> None:
    targets = {
        hpa["spec"]["scaleTargetRef"]["name"] for hpa in render.of_kind("HorizontalPodAutoscaler")
    }
    deployments = {d["metadata"]["name"]: d for d in render.of_kind("Deployment")}
    assert targets <= set(deployments)
    for name, deployment in deployments.items():
        assert ("replicas" in deployment["spec"]) is (name not in targets), name


def test_every_deployment_has_a_pdb(render: Rendered) -> None:
    budgets = [
        pdb["spec"]["selector"]["matchLabels"] for pdb in render.of_kind("PodDisruptionBudget")
    ]
    for deployment in render.of_kind("Deployment"):
        assert any(selects(budget, pod_labels(deployment)) for budget in budgets), deployment[
            "metadata"
        ]["name"]


def test_hpa_bounds_and_metrics(render: Rendered) -> None:
    for hpa in render.of_kind("HorizontalPodAutoscaler"):
        spec = hpa["spec"]
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert 1 <= spec["minReplicas"] <= spec["maxReplicas"]
        assert spec["metrics"][0]["resource"]["name"] == "cpu"


def test_ingress_has_one_prefix_path_per_service(default_render: Rendered) -> None:
    (ingress,) = default_render.of_kind("Ingress")
    spec = ingress["spec"]
    assert spec["ingressClassName"]
    assert spec["tls"][0]["secretName"]
    assert spec["tls"][0]["hosts"] == [spec["rules"][0]["host"]]
    paths = spec["rules"][0]["http"]["paths"]
    assert {path["path"] for path in paths} == {m.url_prefix for m in SERVICES.values()}
    assert {path["pathType"] for path in paths} == {"Prefix"}
    services = {s["metadata"]["name"]: s for s in default_render.of_kind("Service")}
    for path in paths:
        backend = services[path["backend"]["service"]["name"]]
        assert SERVICE_COMPONENTS[component(backend)].url_prefix == path["path"]


def test_network_policy_denies_by_default_and_allows_ingress_and_worker(
    default_render: Rendered,
) -> None:
    policies = default_render.of_kind("NetworkPolicy")
    deny = next(p for p in policies if component(p) == "default-deny")
    assert deny["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert "ingress" not in deny["spec"] and "egress" not in deny["spec"]
    for workload in default_render.workloads():
        assert selects(deny["spec"]["podSelector"]["matchLabels"], pod_labels(workload))
        allowed = [p for p in policies if p is not deny]
        assert any(
            selects(p["spec"]["podSelector"]["matchLabels"], pod_labels(workload)) for p in allowed
        )
    worker = next(d for d in default_render.of_kind("Deployment") if component(d) == "worker")
    for policy in policies:
        if component(policy) not in SERVICE_COMPONENTS:
            continue
        sources = policy["spec"]["ingress"][0]["from"]
        assert any("namespaceSelector" in s and "podSelector" in s for s in sources)
        assert any(
            set(s) == {"podSelector"}
            and selects(s["podSelector"]["matchLabels"], pod_labels(worker))
            for s in sources
        )
        egress_ports = {
            p["port"] for rule in policy["spec"]["egress"] for p in rule.get("ports", [])
        }
        assert {53, 5432, 6379} <= egress_ports


def test_migrations_run_as_hooks_before_the_new_pods(default_render: Rendered) -> None:
    jobs = default_render.of_kind("Job")
    assert len(jobs) == len(SERVICES)
    migrated = set()
    for job in jobs:
        annotations = job["metadata"]["annotations"]
        assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
        (container,) = job["spec"]["template"]["spec"]["containers"]
        assert container["command"][:2] == ["moea", "migrate"]
        migrated.add(container["command"][2].removeprefix("--service="))
        assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert migrated == set(SERVICES)
    account = job["spec"]["template"]["spec"]["serviceAccountName"]
    hook_account = default_render.named("ServiceAccount", account)
    assert "pre-install" in hook_account["metadata"]["annotations"]["helm.sh/hook"]


def test_pods_restart_when_the_config_changes(
    helm_default_and_changed: tuple[Rendered, Rendered],
) -> None:
    before, after = helm_default_and_changed
    for old, new in zip(before.of_kind("Deployment"), after.of_kind("Deployment"), strict=True):
        old_sum = old["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
        new_sum = new["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
        assert len(old_sum) == 64 and old_sum != new_sum


def _containers(deployment: Manifest) -> list[Manifest]:
    containers: list[Manifest] = deployment["spec"]["template"]["spec"]["containers"]
    return containers


def _open_data(deployment: Manifest) -> tuple[list[str], list[str]]:
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    mounts = [m["mountPath"] for m in container["volumeMounts"] if m["name"] == "open-data"]
    claims = [
        v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"] if v["name"] == "open-data"
    ]
    return mounts, claims


def test_the_open_data_volume_is_shared_by_ip_search_and_the_worker_only(helm: Helm) -> None:
    own = helm.template(sets=["openData.persistence.enabled=true"])
    existing = helm.template(
        sets=["openData.persistence.enabled=true", "openData.persistence.existingClaim=nas"]
    )

    (claim,) = own.of_kind("PersistentVolumeClaim")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    assert not existing.of_kind("PersistentVolumeClaim")
    for render, name in ((own, claim["metadata"]["name"]), (existing, "nas")):
        for deployment in render.of_kind("Deployment"):
            mounts, claims = _open_data(deployment)
            if component(deployment) in ("ip-search", "worker"):
                assert (mounts, claims) == (["/var/lib/moea-open-data"], [name])
                (container,) = deployment["spec"]["template"]["spec"]["containers"]
                env = {e["name"]: e.get("value") for e in container["env"]}
                assert env["IP_SEARCH_OPEN_DATA_DIR"] == "/var/lib/moea-open-data"
            else:
                assert (mounts, claims) == ([], [])


def test_without_persistence_no_claim_is_made_or_mounted(default_render: Rendered) -> None:
    assert not default_render.of_kind("PersistentVolumeClaim")
    assert all(_open_data(d) == ([], []) for d in default_render.of_kind("Deployment"))
