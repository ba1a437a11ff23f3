"""The KafkaTopic resources are generated from the contracts, never copied by hand."""

from __future__ import annotations

import yaml

from deploy.k8s.topics import OUT, rendered
from services.contracts.topics import TOPICS


def test_the_committed_topics_are_the_generated_ones() -> None:
    assert OUT.read_text() == rendered(), "run `python -m deploy.k8s.topics` and commit"


def test_one_topic_each_with_the_contracts_partitions_and_kept_for_ever() -> None:
    docs = list(yaml.safe_load_all(OUT.read_text()))
    assert {d["spec"]["topicName"]: d["spec"]["partitions"] for d in docs} == {
        t.name: t.partitions for t in TOPICS
    }
    assert {d["spec"]["config"]["retention.ms"] for d in docs} == {"-1"}
