"""The last encoder layer, computed for the first token only.

A BERT or RoBERTa sequence classifier reads nothing of the last layer but position 0 ([CLS] or
<s>): its pooler or head takes `hidden[:, 0]`. That layer's keys and values still need every
token, but its query, attention output and feed-forward block are needed for the first one only.
On bert-base that is about 7 % of the model's multiply-adds, skipped with identical results.

`first_token_only(model)` swaps the last layer for `FirstTokenLayer` while a fast runtime's graph
is exported, and puts the original back afterwards. Models of another shape (ALBERT's shared
layers, the offline encoder's mean pooling) are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn

ELIGIBLE = (
    "BertForSequenceClassification",
    "RobertaForSequenceClassification",
    "XLMRobertaForSequenceClassification",
)


class FirstTokenLayer(nn.Module):
    """A BertLayer/RobertaLayer whose output is position 0 only: (batch, 1, hidden)."""

    def __init__(self, layer: nn.Module) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, hidden: torch.Tensor, attention_mask: torch.Tensor | None = None, *_, **__):
        attention = self.layer.attention
        heads, size = attention.self.num_attention_heads, attention.self.attention_head_size
        batch = hidden.shape[0]
        first = hidden[:, :1]
        query = attention.self.query(first).view(batch, 1, heads, size).transpose(1, 2)
        key = attention.self.key(hidden).view(batch, -1, heads, size).transpose(1, 2)
        value = attention.self.value(hidden).view(batch, -1, heads, size).transpose(1, 2)
        weights = torch.matmul(query, key.transpose(2, 3)) * attention.self.scaling
        if attention_mask is not None:  # additive, (batch, 1, 1 or length, length)
            weights = weights + attention_mask[:, :, :1, :]
        context = torch.matmul(weights.softmax(dim=-1), value).transpose(1, 2)
        attended = attention.output(context.reshape(batch, 1, heads * size), first)
        return self.layer.output(self.layer.intermediate(attended), attended)


def eligible(model: nn.Module) -> bool:
    if type(model).__name__ not in ELIGIBLE:
        return False
    last = model.base_model.encoder.layer[-1]
    return not getattr(last, "add_cross_attention", False) and hasattr(last.attention, "self")


@contextmanager
def first_token_only(model: nn.Module) -> Iterator[bool]:
    """Within the block, `model` computes its last layer for position 0 only (if eligible)."""
    if not eligible(model):
        yield False
        return
    layers = model.base_model.encoder.layer
    original = layers[-1]
    layers[-1] = FirstTokenLayer(original)
    try:
        yield True
    finally:
        layers[-1] = original
