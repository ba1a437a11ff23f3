"""Perspective compatibility: request checks, attribute mapping, spans in UTF-16 units."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.contracts.events import LABELS, Language, LanguageSource
from services.gateway.api.routes.compat_perspective import as_post
from services.gateway.domain.perspective import (
    ATTRIBUTES,
    NOT_SCORED,
    AnalyzeRequest,
    PerspectiveError,
    check_comment,
    plan,
    response,
    sentence_spans,
    utf16_offset,
)

OFFLINE = set(LABELS) - {"sexual_explicit"}
ENGLISH = Language(code="en", confidence=0.99, source=LanguageSource.DETECTED)


def request(text: str = "you are an idiot", **fields) -> AnalyzeRequest:
    body = {"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}}, **fields}
    return AnalyzeRequest.model_validate(body)


def error_of(call) -> PerspectiveError:
    with pytest.raises(PerspectiveError) as caught:
        call()
    return caught.value


def test_attributes_map_to_our_labels_profanity_is_obscene() -> None:
    attrs = {name: {} for name in ["TOXICITY", "PROFANITY", "IDENTITY_ATTACK", "THREAT"]}
    wanted = plan(request(requestedAttributes=attrs), OFFLINE, {"en"}, ENGLISH)
    assert [(w.attribute, w.label) for w in wanted] == [
        ("TOXICITY", "toxicity"),
        ("PROFANITY", "obscene"),
        ("IDENTITY_ATTACK", "identity_attack"),
        ("THREAT", "threat"),
    ]


@pytest.mark.parametrize("text", ["", "   \n"])
def test_empty_comment_is_comment_empty(text: str) -> None:
    error = error_of(lambda: check_comment(request(text)))
    assert (error.code, error.status) == (400, "INVALID_ARGUMENT")
    assert error.body()["error"]["details"][0]["errorType"] == "COMMENT_EMPTY"


def test_over_20kb_is_comment_too_long_counting_bytes_not_characters() -> None:
    check_comment(request("a" * 20_480))
    error = error_of(lambda: check_comment(request("é" * 10_241)))  # 20,482 bytes
    assert error.error_type == "COMMENT_TOO_LONG"


def test_an_attribute_the_model_cannot_score_is_rejected() -> None:
    body = request(requestedAttributes={"TOXICITY": {}, "SEXUALLY_EXPLICIT": {}})
    error = error_of(lambda: plan(body, OFFLINE, {"en"}, ENGLISH))
    assert "SEXUALLY_EXPLICIT" in error.message and error.code == 400


def test_unknown_attributes_too_unless_drop_unsupported_attributes() -> None:
    body = request(requestedAttributes={"TOXICITY": {}, "FLIRTATION": {}})
    assert (
        error_of(lambda: plan(body, OFFLINE, {"en"}, ENGLISH)).error_type
        == "ATTRIBUTE_NOT_SUPPORTED"
    )
    dropped = request(
        requestedAttributes={"TOXICITY": {}, "FLIRTATION": {}}, dropUnsupportedAttributes=True
    )
    assert [w.attribute for w in plan(dropped, OFFLINE, {"en"}, ENGLISH)] == ["TOXICITY"]


def test_dropping_every_attribute_is_still_an_error() -> None:
    body = request(requestedAttributes={"FLIRTATION": {}}, dropUnsupportedAttributes=True)
    assert error_of(lambda: plan(body, OFFLINE, {"en"}, ENGLISH)).code == 400


def test_unsupported_language_is_named_in_the_error() -> None:
    error = error_of(lambda: plan(request(languages=["de"]), OFFLINE, {"en"}, ENGLISH))
    assert error.error_type == "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE" and "de" in error.message
    assert plan(request(languages=["en-US"]), OFFLINE, {"en"}, ENGLISH)


def test_only_probability_scores() -> None:
    body = request(requestedAttributes={"TOXICITY": {"scoreType": "STD_DEV"}})
    assert error_of(lambda: plan(body, OFFLINE, {"en"}, ENGLISH)).code == 400


def test_sentences_split_on_end_punctuation_without_trailing_space() -> None:
    text = "You are great. You are an idiot!  Really?"
    assert [text[b:e] for b, e in sentence_spans(text)] == [
        "You are great.",
        "You are an idiot!",
        "Really?",
    ]
    assert sentence_spans("no end mark") == [(0, 11)]


def test_offsets_count_utf16_code_units() -> None:
    text = "😀 hi. ok"  # the emoji is one code point but two UTF-16 units
    assert utf16_offset(text, 1) == 2
    assert utf16_offset(text, len(text)) == len(text) + 1


def test_response_has_summary_and_span_scores_and_echoes_the_client_token() -> None:
    text = "😀 nice. you idiot."
    body = request(text, clientToken="abc", spanAnnotations=True)
    spans = sentence_spans(text)
    out = response(body, plan(body, OFFLINE, {"en"}, ENGLISH), {"toxicity": 0.7}, spans,
                   [{"toxicity": 0.1}, {"toxicity": 0.9}], ["en"], ENGLISH)  # fmt: skip
    toxicity = out["attributeScores"]["TOXICITY"]
    assert toxicity["summaryScore"] == {"value": 0.7, "type": "PROBABILITY"}
    assert [(s["begin"], s["end"]) for s in toxicity["spanScores"]] == [(0, 8), (9, 19)]
    assert [s["score"]["value"] for s in toxicity["spanScores"]] == [0.1, 0.9]
    assert out["clientToken"] == "abc" and out["languages"] == ["en"]


def test_attributes_under_their_score_threshold_are_left_out() -> None:
    body = request(requestedAttributes={"TOXICITY": {"scoreThreshold": 0.8}, "INSULT": {}})
    out = response(body, plan(body, OFFLINE, {"en"}, ENGLISH), {"toxicity": 0.5, "insult": 0.4},
                   [(0, 16)], [{"toxicity": 0.5, "insult": 0.4}], ["en"], ENGLISH)  # fmt: skip
    assert list(out["attributeScores"]) == ["INSULT"]


def test_a_comment_detected_in_a_language_the_model_does_not_read_is_refused() -> None:
    german = Language(code="de", confidence=0.99, source=LanguageSource.DETECTED)
    error = error_of(lambda: plan(request("Ich weiß, wo du wohnst"), OFFLINE, {"en"}, german))
    assert error.error_type == "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE" and "de" in error.message


def test_an_undetermined_comment_is_read_as_the_models_language() -> None:
    short = Language(code="und", source=LanguageSource.UNDETERMINED)
    assert plan(request("ok 👍"), OFFLINE, {"en"}, short)
    out = response(request("ok 👍"), plan(request("ok 👍"), OFFLINE, {"en"}, short),
                   {"toxicity": 0.1}, [(0, 4)], [{"toxicity": 0.1}], ["en"], short)  # fmt: skip
    assert out["languages"] == ["en"] and out["detectedLanguages"] == []
    several = ["ar", "de", "en", "ja"]  # the first model, English, reads it
    out = response(request("ok 👍"), plan(request("ok 👍"), OFFLINE, set(several), short),
                   {"toxicity": 0.1}, [(0, 4)], [{"toxicity": 0.1}], several, short)  # fmt: skip
    assert out["languages"] == ["en"]


def test_the_detected_language_is_returned() -> None:
    body = request()
    out = response(body, plan(body, OFFLINE, {"en"}, ENGLISH), {"toxicity": 0.7}, [(0, 16)],
                   [{"toxicity": 0.7}], ["en"], ENGLISH)  # fmt: skip
    assert out["detectedLanguages"] == ["en"] and out["languages"] == ["en"]


def test_a_language_that_is_not_a_code_is_invalid() -> None:
    assert error_of(lambda: check_comment(request(languages=["english please"]))).code == 400


def test_context_entries_are_accepted_and_our_conversation_ids_name_the_parent() -> None:
    context = {"entries": [{"text": "the parent"}], "replyTo": "c-1", "threadId": "t-1"}
    post = as_post(request(clientToken="c-2", context=context))
    assert post["reply_to"] == "perspective:c-1" and post["thread_id"] == "t-1"
    assert "reply_to" not in as_post(request(clientToken="c-3", context={"entries": []}))
    assert "thread_id" not in as_post(request(clientToken="c-4"))


@pytest.mark.parametrize("context", [{"replyTo": ""}, {"threadId": "t\x1f1"}, {"replyTo": 5}])
def test_a_conversation_id_that_cannot_be_a_post_id_is_invalid(context: dict) -> None:
    with pytest.raises(ValidationError):
        request(context=context)


def test_every_perspective_attribute_has_an_answer() -> None:
    """Experimental variants are their production attribute's label; what no model here scores
    is refused as Google refused an attribute it did not serve, naming why."""
    both = {"TOXICITY": {}, "TOXICITY_EXPERIMENTAL": {}, "INSULT_EXPERIMENTAL": {}, "OBSCENE": {}}
    wanted = plan(request(requestedAttributes=both), OFFLINE, {"en"}, ENGLISH)
    assert [w.label for w in wanted] == ["toxicity", "toxicity", "insult", "obscene"]
    assert not set(NOT_SCORED) & set(ATTRIBUTES)
    for name in NOT_SCORED:
        error = error_of(lambda n=name: plan(request(requestedAttributes={n: {}}), OFFLINE,
                                             {"en"}, ENGLISH))  # fmt: skip
        assert error.error_type == "ATTRIBUTE_NOT_SUPPORTED" and "no model here" in str(error)
