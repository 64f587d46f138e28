"""Every pod the chart renders is hardened, probed, bounded and has no API token."""

from __future__ import annotations

from services.registry import SERVICES
from tests.deploy.rendering import Rendered, component

HTTP_SERVICES = {"ip-search", "tax-exemption", "inspection", "investment"}


def test_no_pod_runs_as_root_or_escalates(render: Rendered) -> None:
    containers = list(render.containers())
    assert containers
    for name, pod, container in containers:
        pod_context = pod["securityContext"]
        context = container["securityContext"]
        assert pod_context["runAsNonRoot"] is True, name
        assert context["runAsNonRoot"] is True, name
        assert context["runAsUser"] > 0 and pod_context["runAsUser"] > 0, name
        assert context["allowPrivilegeEscalation"] is False, name
        assert context["privileged"] is False, name
        assert context["readOnlyRootFilesystem"] is True, name
        assert context["capabilities"] == {"drop": ["ALL"]}, name
        assert context["seccompProfile"]["type"] == "RuntimeDefault", name
        assert pod_context["seccompProfile"]["type"] == "RuntimeDefault", name


def test_moea_containers_use_the_fixed_uid(render: Rendered) -> None:
    for name, _, container in render.containers():
        if container["image"].split("@")[0].split(":")[0].endswith("/moea-cloud"):
            assert container["securityContext"]["runAsUser"] == 10001, name


def test_no_service_account_token_is_mounted(render: Rendered) -> None:
    for name, pod in render.pod_specs():
        assert pod["automountServiceAccountToken"] is False, name
        assert pod.get("serviceAccountName"), f"{name} runs as the namespace's default account"
    accounts = render.of_kind("ServiceAccount")
    assert accounts
    assert all(account["automountServiceAccountToken"] is False for account in accounts)


def test_every_container_has_requests_and_limits(render: Rendered) -> None:
    for name, _, container in render.containers():
        resources = container["resources"]
        for bound in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(resources[bound]), f"{name}: {bound}"


def test_service_pods_are_probed_on_livez_and_readyz(render: Rendered) -> None:
    services = [d for d in render.of_kind("Deployment") if component(d) in HTTP_SERVICES]
    assert services
    for deployment in services:
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        prefix = _served_prefix(container)
        assert container["startupProbe"]["httpGet"]["path"] == f"{prefix}/livez"
        assert container["livenessProbe"]["httpGet"]["path"] == f"{prefix}/livez"
        assert container["readinessProbe"]["httpGet"]["path"] == f"{prefix}/readyz"


def test_every_long_running_container_is_probed_or_says_why(render: Rendered) -> None:
    for deployment in render.of_kind("Deployment"):
        name = deployment["metadata"]["name"]
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            if component(deployment) == "worker":
                # No HTTP server to probe: the skip is documented on the object itself.
                assert "CKV_K8S_8" in str(deployment["metadata"]["annotations"]), name
                continue
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                assert probe in container, f"{name}: {probe}"


def test_pods_drain_before_sigterm(render: Rendered) -> None:
    services = [d for d in render.of_kind("Deployment") if component(d) in HTTP_SERVICES]
    for deployment in services:
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        command = container["lifecycle"]["preStop"]["exec"]["command"]
        assert command[0] == "sleep"
        assert 0 < int(command[1]) < pod["terminationGracePeriodSeconds"]
        rollout = deployment["spec"]["strategy"]["rollingUpdate"]
        assert rollout["maxUnavailable"] == 0


def test_writable_paths_are_volumes(render: Rendered) -> None:
    for name, pod, container in render.containers():
        if not container["image"].split("@")[0].split(":")[0].endswith("/moea-cloud"):
            continue
        mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        assert {"/tmp", "/run/prometheus", "/var/lib/moea"} <= set(mounts), name
        # The one shared volume: open-data files on a ReadWriteMany claim (openData.persistence).
        local = [volume for volume in mounts.values() if volume != "open-data"]
        assert all("emptyDir" in volumes[volume] for volume in local), name
    for config in render.of_kind("ConfigMap"):
        if component(config) == "config":
            assert config["data"]["PROMETHEUS_MULTIPROC_DIR"] == "/run/prometheus"


def test_no_secret_is_templated(render: Rendered) -> None:
    assert render.of_kind("Secret") == []
    for name, _, container in render.containers():
        for item in container.get("env", []):
            assert not any(
                word in item["name"] for word in ("PASSWORD", "KEY", "DATABASE_URL", "REDIS_URL")
            ), f"{name} sets {item['name']} in plain text"


def _served_prefix(container: dict[str, object]) -> str:
    command = container["command"]
    assert isinstance(command, list)
    assert command[:2] == ["moea", "serve"]
    assert {"--no-migrate", "--no-demo-seed", "--no-with-worker"} <= set(command)
    service = next(arg for arg in command if arg.startswith("--service="))
    return SERVICES[service.removeprefix("--service=")].url_prefix
