"""The LoRA adapter: merged into the encoder's weights it gives the fine-tuned model's outputs,
survives a save and load, and a head is never paired with an adapter it was not trained over."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from peft import LoraConfig, get_peft_model
from transformers import BertConfig, BertModel

from services.classifier.models.offline import adapter_for
from services.classifier.offline.adapter import Adapter, of_peft


def tiny_bert() -> BertModel:
    torch.manual_seed(0)
    config = BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=32)  # fmt: skip
    return BertModel(config).eval()


def fine_tuned() -> tuple[BertModel, Adapter]:
    lora = LoraConfig(r=4, lora_alpha=8, target_modules=["query", "value", "dense"])
    model = get_peft_model(tiny_bert(), lora)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "lora_B" in name:  # peft starts B at zero: give the adapter an effect
                parameter.normal_(0, 0.5)
    return model.eval(), of_peft(model.state_dict(), 8 / 4, {"note": "test"})


def outputs(model, ids: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        return model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state


def test_merging_the_adapter_gives_the_fine_tuned_models_outputs() -> None:
    peft_model, adapter = fine_tuned()
    ids = torch.randint(0, 50, (3, 7))
    merged = adapter.merge_into(tiny_bert())
    assert not torch.allclose(outputs(tiny_bert(), ids), outputs(peft_model, ids), atol=1e-3)
    assert torch.allclose(outputs(merged, ids), outputs(peft_model, ids), atol=2e-2)
    assert len(adapter.pairs) == 2 * 5 + 1  # query, value, three denses per layer; the pooler


def test_save_and_load_keep_the_pairs_and_the_digest(tmp_path: Path) -> None:
    _, adapter = fine_tuned()
    adapter.save(tmp_path / "adapter.npz")
    loaded = Adapter.load(tmp_path / "adapter.npz")
    assert loaded.digest == adapter.digest and loaded.scale == 2.0
    assert loaded.info == {"note": "test"}
    name = next(iter(adapter.pairs))
    assert np.allclose(loaded.pairs[name][1], adapter.pairs[name][1], atol=1e-3)


def test_a_head_is_served_only_over_the_adapter_it_was_trained_over(tmp_path: Path) -> None:
    _, adapter = fine_tuned()
    path = tmp_path / "adapter.npz"
    assert adapter_for(None, path) is None
    with pytest.raises(RuntimeError, match="missing"):
        adapter_for(adapter.digest, path)
    adapter.save(path)
    assert adapter_for(adapter.digest, path).digest == adapter.digest
    with pytest.raises(RuntimeError, match="refit the head"):
        adapter_for("0" * 12, path)
