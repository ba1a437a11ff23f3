"""OpenAI moderation compatibility: inputs, category mapping, flags."""

from __future__ import annotations

import pytest

from services.gateway.domain.moderations import (
    CATEGORY_LABELS,
    UNSUPPORTED,
    ModerationError,
    ModerationRequest,
    category_scores,
    result,
    texts_of,
)

SCORES = {"toxicity": 0.9, "insult": 0.8, "threat": 0.3, "identity_attack": 0.6, "obscene": 0.1,
          "severe_toxicity": 0.2}  # fmt: skip


def test_string_list_and_text_parts_inputs() -> None:
    assert texts_of(ModerationRequest(input="a")) == ["a"]
    assert texts_of(ModerationRequest(input=["a", "b"])) == ["a", "b"]
    parts = ModerationRequest.model_validate({"input": [{"type": "text", "text": "c"}]})
    assert texts_of(parts) == ["c"]


def test_images_are_refused_honestly() -> None:
    body = ModerationRequest.model_validate(
        {"input": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]}
    )
    with pytest.raises(ModerationError) as caught:
        texts_of(body)
    assert caught.value.status == 400 and caught.value.body()["error"]["param"] == "input"


def test_empty_and_oversized_inputs_are_refused() -> None:
    with pytest.raises(ModerationError):
        texts_of(ModerationRequest(input=[]))
    with pytest.raises(ModerationError):
        texts_of(ModerationRequest(input=["x"] * 33))


def test_every_openai_category_is_present_and_the_mapping_is_as_documented() -> None:
    out = category_scores(SCORES)
    assert set(out) == set(CATEGORY_LABELS) and len(out) == 13
    assert out["harassment"] == 0.8
    assert out["harassment/threatening"] == 0.3 == out["violence"]
    assert out["hate"] == 0.6
    assert out["hate/threatening"] == 0.3  # both identity_attack and threat: the lower one
    assert all(out[c] == 0.0 for c in UNSUPPORTED)


def test_a_label_the_model_lacks_scores_zero_and_applies_to_no_input() -> None:
    out = result(SCORES, {}, 0.5)
    assert out["category_scores"]["sexual"] == 0.0  # no sexual_explicit from this model
    assert out["category_applied_input_types"]["sexual"] == []
    assert out["category_applied_input_types"]["harassment"] == ["text"]
    assert all(out["category_applied_input_types"][c] == [] for c in UNSUPPORTED)


def test_flags_follow_default_and_per_category_thresholds() -> None:
    out = result(SCORES, {}, 0.5)
    assert out["flagged"] is True
    assert out["categories"]["harassment"] is True and out["categories"]["violence"] is False
    strict = result(SCORES, {"harassment": 0.9, "hate": 0.9}, 0.5)
    assert strict["categories"]["harassment"] is False and strict["flagged"] is False


def test_unsupported_categories_never_flag_even_at_threshold_zero() -> None:
    out = result({"toxicity": 0.0}, {}, 0.0)
    assert not any(out["categories"][c] for c in UNSUPPORTED)
