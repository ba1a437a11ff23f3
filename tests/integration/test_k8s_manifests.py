"""The Kubernetes overlays, built with a real kustomize (built with the machine's Go) and
validated offline: Kubernetes kinds strictly against the schemas kubernetes-validate ships,
KEDA's ScaledObject against the CRD in KEDA's Go module, Strimzi's kinds structurally (their
CRD schemas are not in any registry reachable here; see deploy/k8s/validate.py)."""

from __future__ import annotations

import copy

import pytest

from deploy.k8s.validate import OVERLAYS, build, keda_scaled_object_schema, problems_of, validate


@pytest.fixture(scope="module")
def scaled_object() -> dict:
    return keda_scaled_object_schema()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_overlay_builds_and_validates(overlay: str, scaled_object: dict) -> None:
    kinds, problems = validate(overlay, scaled_object)
    assert not problems, "\n".join(problems)
    assert kinds["Deployment"] == 7 and kinds["PodDisruptionBudget"] == 7
    assert kinds["Kafka"] == 1 and kinds["KafkaTopic"] >= 15


def test_production_scales_the_consumers_on_lag_and_keeps_three_copies() -> None:
    docs = build("production")
    scaled = {d["spec"]["scaleTargetRef"]["name"]: d for d in docs if d["kind"] == "ScaledObject"}
    assert set(scaled) == {"classifier", "escalation"}
    for target, doc in scaled.items():
        trigger = doc["spec"]["triggers"][0]
        assert trigger["type"] == "kafka" and trigger["metadata"]["consumerGroup"].endswith(target)
    topics = [d for d in docs if d["kind"] == "KafkaTopic"]
    assert {t["spec"]["replicas"] for t in topics} == {3}
    assert {t["spec"]["config"]["min.insync.replicas"] for t in topics} == {"2"}


def test_every_deployment_has_probes_and_resources() -> None:
    for doc in build("single-node"):
        if doc["kind"] != "Deployment":
            continue
        container = doc["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["resources"]["requests"] and container["resources"]["limits"]


def test_the_validator_catches_what_it_should(scaled_object: dict) -> None:
    docs = build("production")
    deployment = copy.deepcopy(next(d for d in docs if d["kind"] == "Deployment"))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGett"] = {}
    assert problems_of(deployment, scaled_object)
    scaled = copy.deepcopy(next(d for d in docs if d["kind"] == "ScaledObject"))
    scaled["spec"]["minReplicaCount"] = "two"
    assert problems_of(scaled, scaled_object)
    topic = copy.deepcopy(next(d for d in docs if d["kind"] == "KafkaTopic"))
    topic["spec"]["partitions"] += 1
    assert problems_of(topic, scaled_object)


def selected(policy: dict, app: str) -> bool:
    selector = policy["spec"]["podSelector"]
    if selector.get("matchLabels", {}).get("app.kubernetes.io/name") == app:
        return True
    return any(
        e["key"] == "app.kubernetes.io/name" and app in e["values"]
        for e in selector.get("matchExpressions", [])
    )


CALLERS = {
    "classifier": {"gateway"},
    "pulse": {"desk", "outreach"},
    "outreach": {"desk"},
}  # of their internal APIs


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_admits_only_its_callers(overlay: str) -> None:
    docs = build(overlay)
    policies = [d for d in docs if d["kind"] == "NetworkPolicy"]
    apps = [d["metadata"]["name"] for d in docs if d["kind"] == "Deployment"]
    for app in apps:
        assert any(selected(p, app) and not p["spec"].get("ingress") for p in policies), app
    for internal in ("classifier", "pulse", "escalation", "outreach"):
        sources = [
            source
            for p in policies
            if selected(p, internal)
            for rule in p["spec"].get("ingress", [])
            for source in rule.get("from", [{"anyone": True}])
        ]
        names = {
            s.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/name")
            for s in sources
        }
        assert not any(s.get("anyone") for s in sources), internal  # never open to all
        assert names <= {*CALLERS.get(internal, ()), "prometheus"}, (internal, names)


def test_the_internal_token_comes_from_a_secret() -> None:
    for doc in build("production"):
        if doc["kind"] != "Deployment" or doc["metadata"]["name"] not in {
            "gateway",
            "desk",
            "ingest",
            "classifier",
            "pulse",
            "outreach",
        }:
            continue
        env = {e["name"]: e for e in doc["spec"]["template"]["spec"]["containers"][0]["env"]}
        assert env["INTERNAL_TOKEN"]["valueFrom"]["secretKeyRef"]["name"] == "moderation-internal"
