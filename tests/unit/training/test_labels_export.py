"""Labeled examples exported in the shape of train.jsonl."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.contracts.events import LabeledExample
from training.labels import rows_of

T0 = datetime(2026, 12, 2, tzinfo=UTC)


def example(n: int, labels: dict, post: str | None = "p", text: str | None = "t") -> LabeledExample:
    return LabeledExample(example_id=f"e{n}", tenant="acme", source="moderator_review",
                          post_id=post, labels=labels, text=text,
                          occurred_at=T0 + timedelta(minutes=n))  # fmt: skip


def test_the_latest_call_on_a_post_wins_and_no_text_means_no_row() -> None:
    rows = rows_of([
        example(2, {"toxicity": 0.0}),  # the appeal overturned the removal
        example(1, {"toxicity": 1.0}),
        example(3, {"toxicity": 1.0}, post=None, text=None),  # doNotStore
        example(4, {"threat": 1.0}, post=None, text="i will hurt you"),
    ])  # fmt: skip
    assert rows == [
        {"text": "t", "labels": {"toxicity": 0.0}, "source": "feedback:moderator_review",
         "tenant": "acme"},
        {"text": "i will hurt you", "labels": {"threat": 1.0},
         "source": "feedback:moderator_review", "tenant": "acme"},
    ]  # fmt: skip
