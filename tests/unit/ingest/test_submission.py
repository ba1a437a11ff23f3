from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.contracts.events import post_id_for
from services.ingest.adapters.registry import ClaimOutcome, classify
from services.ingest.domain.submission import (
    Rejection,
    SubmitPostRequest,
    check_submission,
    content_fingerprint,
    to_post,
)


def request(**changes) -> SubmitPostRequest:
    body = {"tenant": "acme", "external_id": "c1", "author_id": "u1", "text": "hello"}
    return SubmitPostRequest(**{**body, **changes})


@pytest.mark.parametrize(
    ("text", "code"), [("", "text_empty"), (" \n ", "text_empty"), ("x" * 11, "text_too_long")]
)
def test_rejections(text: str, code: str) -> None:
    with pytest.raises(Rejection) as caught:
        check_submission(request(text=text), max_text_chars=10, max_metadata_bytes=100)
    assert caught.value.code == code and caught.value.field == "text"


def test_oversized_metadata_is_rejected() -> None:
    with pytest.raises(Rejection, match="metadata"):
        check_submission(
            request(metadata={"k": "v" * 200}), max_text_chars=10, max_metadata_bytes=100
        )


def test_text_at_the_limit_passes() -> None:
    check_submission(request(text="x" * 10), max_text_chars=10, max_metadata_bytes=100)


def test_post_id_depends_only_on_tenant_and_external_id() -> None:
    assert (
        to_post(request(), "acme").post_id
        == to_post(request(text="other"), "acme").post_id
        == post_id_for("acme", "c1")
    )
    assert post_id_for("acme", "c1") != post_id_for("other", "c1")


def test_fingerprint_tells_different_content_apart() -> None:
    assert content_fingerprint(to_post(request(), "acme")) == content_fingerprint(
        to_post(request(), "acme")
    )
    assert content_fingerprint(to_post(request(), "acme")) != content_fingerprint(
        to_post(request(text="hi"), "acme")
    )


@pytest.mark.parametrize(
    ("record", "now", "outcome"),
    [
        (
            {"fingerprint": "f", "state": "published", "claimed_at": "0"},
            1000,
            ClaimOutcome.DUPLICATE,
        ),
        (
            {"fingerprint": "f", "state": "pending", "claimed_at": "990"},
            1000,
            ClaimOutcome.DUPLICATE,
        ),
        ({"fingerprint": "f", "state": "pending", "claimed_at": "900"}, 1000, ClaimOutcome.STALE),
        (
            {"fingerprint": "g", "state": "published", "claimed_at": "0"},
            1000,
            ClaimOutcome.CONFLICT,
        ),
    ],
)
def test_claim_classification(record: dict, now: float, outcome: ClaimOutcome) -> None:
    assert classify(record, "f", now, stale_after=30) is outcome


@pytest.mark.parametrize("field", ["community", "author_id", "external_id"])
def test_a_control_character_in_an_id_or_community_is_refused_naming_the_field(field) -> None:
    with pytest.raises(ValidationError) as caught:
        request(**{field: "games\x1fsupport"})
    assert [error["loc"] for error in caught.value.errors()] == [(field,)]
    assert request(**{field: "Spiele & Café – support"})  # any printable text is fine


@pytest.mark.parametrize("hidden", ["\u200b", "\u200e", "\u202e", "\u2066", "\ufeff", "\x85"])
def test_zero_width_and_bidi_controls_in_an_author_id_are_refused(hidden: str) -> None:
    with pytest.raises(ValidationError) as refused:
        request(author_id=f"user{hidden}1")
    assert refused.value.errors()[0]["loc"] == ("author_id",)


def test_ids_in_any_script_pass() -> None:
    assert request(author_id="Zoë Ünal 李小龍 محمد").author_id


def test_a_stated_language_travels_on_the_post() -> None:
    assert to_post(request(lang="pt-BR"), "acme").lang == "pt-BR"
    assert to_post(request(), "acme").lang is None
    assert to_post(request(lang="und"), "acme").lang is None  # not known: detected


@pytest.mark.parametrize("lang", ["german", "de_DE", "d", "12", "de-"])
def test_a_language_that_is_not_a_language_tag_is_refused_naming_the_field(lang: str) -> None:
    with pytest.raises(ValidationError) as refused:
        request(lang=lang)
    assert refused.value.errors()[0]["loc"] == ("lang",)


def test_a_reply_and_its_thread_travel_on_the_post() -> None:
    post = to_post(request(reply_to="c0", thread_id="thread 7 – Café"), "acme")
    assert (post.reply_to, post.thread_id) == ("c0", "thread 7 – Café")
    assert (to_post(request(), "acme").reply_to, to_post(request(), "acme").thread_id) == (
        None,
        None,
    )


def test_a_post_cannot_answer_itself() -> None:
    with pytest.raises(Rejection) as refused:
        check_submission(request(reply_to="c1"), max_text_chars=100, max_metadata_bytes=1000)
    assert (refused.value.code, refused.value.field) == ("reply_to_self", "reply_to")


@pytest.mark.parametrize("field", ["reply_to", "thread_id"])
@pytest.mark.parametrize("value", ["", "c\x1f0", "x" * 257])
def test_a_conversation_id_that_is_empty_too_long_or_hidden_is_refused(field, value) -> None:
    with pytest.raises(ValidationError) as refused:
        request(**{field: value})
    assert [error["loc"] for error in refused.value.errors()] == [(field,)]
