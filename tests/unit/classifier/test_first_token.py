"""The last layer computed for the first token only gives the full model's logits."""

from __future__ import annotations

import pytest
import torch
from transformers import (
    AlbertConfig,
    AlbertForSequenceClassification,
    BertConfig,
    BertForSequenceClassification,
    RobertaConfig,
    RobertaForSequenceClassification,
)

from services.classifier.models.first_token import FirstTokenLayer, first_token_only

SMALL = {
    "hidden_size": 32,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "intermediate_size": 64,
}


def padded_batch() -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(1)
    ids = torch.randint(5, 500, (3, 9), generator=generator)
    mask = torch.ones(3, 9, dtype=torch.long)
    mask[1, 4:] = 0
    mask[2, 7:] = 0
    return {"input_ids": ids, "attention_mask": mask}


@pytest.mark.parametrize(
    ("model_class", "config_class"),
    [
        (BertForSequenceClassification, BertConfig),
        (RobertaForSequenceClassification, RobertaConfig),
    ],
)
def test_first_token_only_gives_the_same_logits(model_class, config_class) -> None:
    torch.manual_seed(0)
    model = model_class(config_class(num_labels=6, **SMALL)).eval()
    model.set_attn_implementation("eager")
    batch = padded_batch()
    with torch.inference_mode():
        full = model(**batch).logits
        with first_token_only(model) as applied:
            assert isinstance(model.base_model.encoder.layer[-1], FirstTokenLayer)
            first = model(**batch).logits
    assert applied
    assert torch.allclose(full, first, atol=1e-6)
    assert not isinstance(model.base_model.encoder.layer[-1], FirstTokenLayer), "restored"


def test_a_model_of_another_shape_is_left_alone() -> None:
    model = AlbertForSequenceClassification(AlbertConfig(num_labels=6, **SMALL)).eval()
    with first_token_only(model) as applied:
        assert not applied
