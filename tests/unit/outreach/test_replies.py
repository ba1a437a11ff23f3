"""Reply templates, the post checks before a reply, and time to first response."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.contracts.cases import Case
from services.contracts.events import Action, Decision, PolicyRef
from services.outreach.domain.replies import filled, refusal, reply_id_for, unknown_placeholders
from services.outreach.domain.responses import as_markdown, bucket_of, first_response, summed

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_unknown_placeholders_are_named_once_each():
    text = "Hi {author}, thanks for {community} {community}; {theme} {x1} {} {not a name}"
    assert unknown_placeholders(text) == ["author", "x1"]
    assert unknown_placeholders("Thanks for raising it in {community}.") == []


def test_filling_replaces_placeholders_and_keeps_other_braces():
    text = "Re {theme} in {community}: fixed {soon} {}"
    assert filled(text, {"theme": "dark mode", "community": "help"}) == (
        "Re dark mode in help: fixed {soon} {}"
    )
    assert filled("{theme}", {}) == ""


def test_filling_is_linear_in_the_template():
    text = "{community}" * 20_000
    assert filled(text, {"community": "a"}) == "a" * 20_000


def decision(action: Action, tenant: str = "t") -> Decision:
    return Decision(post_id="p1", tenant=tenant, author_id="a", action=action,
                    policy=PolicyRef(id="d", version="1"))  # fmt: skip


def test_a_post_unknown_removed_or_of_another_platform_is_refused():
    assert refusal([], "t")[:2] == (404, "post_not_found")
    assert refusal([decision(Action.ALLOW, "other")], "t")[:2] == (404, "post_not_found")
    assert refusal([decision(Action.ALLOW), decision(Action.REMOVE)], "t")[:2] == (
        409,
        "post_removed",
    )
    assert refusal([decision(Action.REMOVE), decision(Action.ALLOW)], "t") is None  # restored
    assert refusal([decision(Action.HOLD)], "t") is None


def test_a_retried_reply_has_the_same_id():
    assert reply_id_for("c1", "cm", "hi") == reply_id_for("c1", "cm", "hi")
    assert reply_id_for("c1", "cm", "hi") != reply_id_for("c1", "cm", "hi!")


def case(first_response_at: datetime | None, community: str | None = "help") -> Case:
    return Case(case_id="c1", post_id="p1", tenant="t", author_id="a", community=community,
                queue="feedback", priority=5, sla_deadline=None, opened_at=T0,
                first_response_at=first_response_at)  # fmt: skip


def test_the_first_response_counts_once():
    answered = case(T0 + timedelta(minutes=7))
    assert first_response(answered, case(None)) == 420
    assert first_response(answered, None) == 420  # a case first seen already answered
    assert first_response(answered, answered) is None
    assert first_response(case(None), None) is None
    assert [bucket_of(s) for s in (60, 300, 301, 3600, 86400, 86401)] == [
        "le5", "le5", "le15", "le60", "le1440", "over"
    ]  # fmt: skip


def test_days_sum_per_community_and_queue_with_cumulative_buckets():
    day1 = {"help\x1ffeedback\x1fcount": "2", "help\x1ffeedback\x1fseconds": "400",
            "help\x1ffeedback\x1fle5": "1", "help\x1ffeedback\x1fle15": "1"}  # fmt: skip
    day2 = {"help\x1ffeedback\x1fcount": "1", "help\x1ffeedback\x1fseconds": "8000",
            "help\x1ffeedback\x1fle1440": "1", "-\x1fgeneral\x1fcount": "1",
            "-\x1fgeneral\x1fseconds": "90000", "-\x1fgeneral\x1fover": "1"}  # fmt: skip
    general, help_ = summed([day1, {}, day2])
    assert (help_.community, help_.queue, help_.answered) == ("help", "feedback", 3)
    assert help_.mean_seconds == 8400 / 3
    assert help_.within == {"le5": 1, "le15": 2, "le60": 2, "le240": 2, "le1440": 3}
    assert help_.share_within(15) == 2 / 3
    assert (general.community, general.answered, general.within["le1440"]) == (None, 1, 0)


def test_a_digest_says_how_long_members_waited():
    (help_,) = summed([{"help\x1ffeedback\x1fcount": "2", "help\x1ffeedback\x1fseconds": "1200",
                        "help\x1ffeedback\x1fle15": "2"}])  # fmt: skip
    section = as_markdown([help_])
    assert section.startswith("## Time to first response")
    assert "| feedback | 2 | 10 min | 2 | 2 |" in section
    assert "No reply to a case" in as_markdown([])
