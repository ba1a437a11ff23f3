"""Golden cases: copies mixed beside every `every`-th opened case, the same for a redelivered
post, with a post id of their own; resolving one decides nothing and scores the call."""

from __future__ import annotations

from datetime import timedelta

from services.contracts import topics
from services.contracts.cases import fold
from services.contracts.events import (
    Action,
    CaseEvent,
    CaseEventKind,
    GoldenCase,
    GoldenScored,
    Post,
)
from services.escalation.adapters.golden import GoldenBook
from services.escalation.domain.answers import AuthorStrikes, answer
from services.escalation.domain.golden import copy_of
from tests.unit.escalation.test_cases import POLICY, T0, command

GOLDEN = GoldenCase(
    tenant="t", case_id="gold-1", expected=Action.REMOVE, marked_by="boss", reason="toxic",
    post=Post(post_id="p-gold", tenant="t", external_id="e-gold", author_id="old-author",
              text="a known answer"), scores={"toxicity": 0.9},
)  # fmt: skip


def opened(post_id: str) -> CaseEvent:
    return CaseEvent(occurred_at=T0, case_id=f"case-{post_id}", post_id=post_id, tenant="t",
                     author_id="a", kind=CaseEventKind.OPENED, queue="general", actor="system",
                     priority=3, sla_deadline=T0 + timedelta(minutes=60))  # fmt: skip


def test_one_copy_per_every_opened_cases_the_same_for_a_redelivery() -> None:
    copies = [copy_of(opened(f"p{n}"), [GOLDEN], every=5) for n in range(1000)]
    made = [c for c in copies if c is not None]
    assert 150 <= len(made) <= 250  # about one in five
    again = [copy_of(opened(f"p{n}"), [GOLDEN], every=5) for n in range(1000)]
    assert [c.event_id if c else None for c in again] == [c.event_id if c else None for c in copies]
    copy = made[0]
    assert copy.golden_id == "gold-1" and copy.queue == "general" and copy.priority == 3
    assert copy.post.text == "a known answer" and copy.post_id not in ("p-gold",)
    assert copy.post.post_id == copy.post_id  # a post id of its own: nothing touches the real one
    assert copy_of(opened("p1"), [], every=1) is None
    assert copy_of(opened("p1"), [GOLDEN], every=None) is None
    assert copy_of(copy, [GOLDEN], every=1) is None  # never a copy of a copy


def test_resolving_a_copy_decides_nothing_and_scores_the_call() -> None:
    copy = copy_of(opened("p7"), [GOLDEN], every=1)
    case = fold(None, copy)
    for verb, right in (("approve", False), ("remove", True)):
        claimed = fold(case, answer(command("claim"), case, POLICY, AuthorStrikes(), T0).event)
        done = answer(command(verb), claimed, POLICY, AuthorStrikes(), T0, GOLDEN)
        topics_out = [m.topic for m in done.effects.messages]
        assert topics_out == [topics.CASE_EVENTS, topics.GOLDEN_SCORES]
        score = done.effects.messages[1].event
        assert isinstance(score, GoldenScored) and score.correct is right
        assert score.golden_id == "gold-1" and score.moderator_id == "mod-1"


def test_the_book_keeps_the_tenants_goldens_in_one_order_and_drops_withdrawn_ones() -> None:
    book = GoldenBook()
    book.apply(GOLDEN.model_copy(update={"case_id": "gold-2"}))
    book.apply(GOLDEN)
    assert [g.case_id for g in book.of("t")] == ["gold-1", "gold-2"]
    book.apply(GOLDEN.model_copy(update={"withdrawn": True}))
    assert [g.case_id for g in book.of("t")] == ["gold-2"] and book.of("other") == []
    assert book.get("t", "gold-2") is not None and book.get("t", None) is None
