"""Build every overlay with kustomize and validate what it renders, offline:

- Kubernetes kinds against the Kubernetes schemas that `kubernetes-validate` (PyPI) ships, strict
  (an unknown field is an error);
- KEDA's ScaledObject against the CRD schema in KEDA's own Go module (from the Go module proxy);
- Strimzi's Kafka, KafkaNodePool and KafkaTopic: their CRD schemas are in no registry this
  project can reach (Strimzi publishes them only as release assets), so they get structural
  checks written here instead: the API version, the cluster label, the fields the operator
  requires, and partition counts equal to `services/contracts/topics.py`.

kustomize is built once with the machine's Go (`go install`) into ~/.cache/moderation/bin.
`python -m deploy.k8s.validate` prints a line per overlay; exit 1 on any problem.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent
OVERLAYS = ("single-node", "production")
KUBERNETES_VERSION = "1.33.0"
KUSTOMIZE = "sigs.k8s.io/kustomize/kustomize/v5@v5.7.1"
KEDA = "github.com/kedacore/keda/v2@v2.18.1"
CACHE = Path(os.environ.get("MODERATION_CACHE", Path.home() / ".cache" / "moderation"))
STRIMZI = {"Kafka", "KafkaNodePool", "KafkaTopic"}


def kustomize() -> Path:
    binary = CACHE / "bin" / "kustomize"
    if not binary.exists():
        print(f"building {KUSTOMIZE} with go ...", file=sys.stderr, flush=True)
        env = {**os.environ, "GOBIN": str(binary.parent)}
        subprocess.run(["go", "install", KUSTOMIZE], check=True, env=env, timeout=1800)
    return binary


def build(overlay: str) -> list[dict]:
    done = subprocess.run(
        [str(kustomize()), "build", str(ROOT / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise ValueError(f"kustomize build {overlay}: {done.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def keda_scaled_object_schema() -> dict:
    found = subprocess.run(
        ["go", "mod", "download", "-json", KEDA], capture_output=True, text=True, timeout=600
    )
    if found.returncode != 0:
        raise ValueError(f"go mod download {KEDA}: {found.stdout}{found.stderr}")
    folder = Path(json.loads(found.stdout)["Dir"])
    crd = yaml.safe_load((folder / "config/crd/bases/keda.sh_scaledobjects.yaml").read_text())
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1")
    return version["schema"]["openAPIV3Schema"]


def problems_of(doc: dict, scaled_object: dict) -> list[str]:
    import jsonschema
    import kubernetes_validate

    kind, name = doc.get("kind", "?"), doc.get("metadata", {}).get("name", "?")
    where = f"{kind} {name}"
    if kind in STRIMZI:
        return [f"{where}: {p}" for p in strimzi_problems(doc)]
    if kind == "ScaledObject":
        errors = jsonschema.Draft7Validator(scaled_object).iter_errors(doc)
        return [f"{where}: {'/'.join(map(str, e.path))}: {e.message}" for e in errors]
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = "/".join(map(str, error.path))
        return [f"{where}: {path}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError as error:
        return [f"{where}: no schema ({error})"]
    return []


def strimzi_problems(doc: dict) -> list[str]:
    from services.contracts.topics import TOPICS

    problems = []
    if doc.get("apiVersion") != "kafka.strimzi.io/v1beta2":
        problems.append(f"apiVersion {doc.get('apiVersion')} is not kafka.strimzi.io/v1beta2")
    spec = doc.get("spec") or {}
    labels = doc.get("metadata", {}).get("labels", {})
    if doc["kind"] == "Kafka":
        for needed in ("kafka", "entityOperator"):
            if needed not in spec:
                problems.append(f"spec.{needed} is missing")
        if not spec.get("kafka", {}).get("listeners"):
            problems.append("spec.kafka.listeners is empty")
    elif doc["kind"] == "KafkaNodePool":
        if labels.get("strimzi.io/cluster") != "moderation":
            problems.append("not labelled strimzi.io/cluster: moderation")
        if not set(spec.get("roles", [])) <= {"controller", "broker"} or "replicas" not in spec:
            problems.append("spec.roles or spec.replicas")
    else:
        partitions = {t.name: t.partitions for t in TOPICS}
        if labels.get("strimzi.io/cluster") != "moderation":
            problems.append("not labelled strimzi.io/cluster: moderation")
        if partitions.get(spec.get("topicName")) != spec.get("partitions"):
            problems.append(f"partitions {spec.get('partitions')} differ from topics.py")
        if not isinstance(spec.get("replicas"), int) or spec["replicas"] < 1:
            problems.append("spec.replicas")
    return problems


def validate(overlay: str, scaled_object: dict) -> tuple[Counter, list[str]]:
    docs = build(overlay)
    kinds = Counter(doc["kind"] for doc in docs)
    return kinds, [p for doc in docs for p in problems_of(doc, scaled_object)]


def main() -> int:
    scaled_object = keda_scaled_object_schema()
    failed = False
    for overlay in OVERLAYS:
        kinds, problems = validate(overlay, scaled_object)
        print(f"{overlay}: {sum(kinds.values())} resources ({dict(sorted(kinds.items()))})")
        for problem in problems:
            print(f"  {problem}")
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
