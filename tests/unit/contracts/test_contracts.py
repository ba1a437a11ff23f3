from __future__ import annotations

from services.contracts import topics
from services.contracts.events import LABELS, Decision, PolicyRef, derived_id


def test_every_topic_is_declared_once_with_partitions() -> None:
    names = [spec.name for spec in topics.TOPICS]
    assert len(names) == len(set(names))
    assert all(spec.partitions >= 1 for spec in topics.TOPICS)


def test_posts_are_keyed_by_tenant_and_author() -> None:
    assert topics.author_key("acme", "u-17") == b"acme:u-17"


def test_derived_ids_are_stable_and_distinct() -> None:
    assert derived_id("decision", "p1", "0") == derived_id("decision", "p1", "0")
    assert derived_id("decision", "p1", "0") != derived_id("decision", "p1", "1")


def test_events_round_trip_as_json_and_ignore_unknown_fields() -> None:
    decision = Decision(
        post_id="p",
        tenant="t",
        author_id="a",
        action="allow",
        policy=PolicyRef(id="d", version="1"),
    )
    raw = decision.model_dump(mode="json")
    assert raw["schema_version"] == 1 and raw["event_id"] and raw["occurred_at"]
    assert Decision.model_validate({**raw, "added_later": 1}) == decision


def test_labels_are_detoxifys() -> None:
    assert LABELS == (
        "toxicity",
        "severe_toxicity",
        "obscene",
        "threat",
        "insult",
        "identity_attack",
        "sexual_explicit",
    )
