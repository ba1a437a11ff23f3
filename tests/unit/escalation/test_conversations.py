"""A post's conversation (`reply_to`, `thread_id`) stays with it: on its case, its automated
decision, every moderator's decision after it, and the public view platforms read."""

from __future__ import annotations

from services.contracts.cases import fold
from services.contracts.events import Action, CaseEventKind, ModelInfo, Post, PostScored
from services.contracts.public import decision_view
from services.escalation.domain.decisions import automated_outcome, moderator_decision
from services.policy.language import PostFacts, evaluate
from tests.unit.escalation.test_cases import POLICY, command, run
from tests.unit.escalation.test_outcomes import POLICY as RULES


def reply(**conversation: str) -> PostScored:
    post = Post(post_id="p1", tenant="t", external_id="e2", author_id="a", text="same to you",
                community="c", **conversation)  # fmt: skip
    return PostScored(post=post, scores={"toxicity": 0.95}, model=ModelInfo(id="m", version="1"))


def test_the_automated_decision_and_the_case_keep_the_conversation() -> None:
    event = reply(reply_to="e1", thread_id="t-9")
    outcome = automated_outcome(event, evaluate(PostFacts(scores=event.scores), RULES), RULES, 0)
    assert (outcome.decision.reply_to, outcome.decision.thread_id) == ("e1", "t-9")
    assert outcome.case is not None and outcome.case.kind is CaseEventKind.OPENED
    case = fold(None, outcome.case)
    assert (case.reply_to, case.thread_id) == ("e1", "t-9")
    view = decision_view(outcome.decision)
    assert (view.reply_to, view.thread_id) == ("e1", "t-9")


def test_a_moderators_decision_keeps_it_too() -> None:
    event = reply(reply_to="e1", thread_id="t-9")
    outcome = automated_outcome(event, evaluate(PostFacts(scores=event.scores), RULES), RULES, 0)
    case = fold(None, outcome.case.model_copy(update={"queue": "general"}))
    case, events = run(case, command("claim"), command("remove"))
    assert events[-1].kind is CaseEventKind.RESOLVED
    decision = moderator_decision(case, events[-1], POLICY)
    assert decision.action is Action.REMOVE and decision.revision == 1
    assert (decision.reply_to, decision.thread_id) == ("e1", "t-9")


def test_a_post_outside_any_conversation_has_none() -> None:
    event = reply()
    outcome = automated_outcome(event, evaluate(PostFacts(scores=event.scores), RULES), RULES, 0)
    assert (outcome.decision.reply_to, outcome.decision.thread_id) == (None, None)
