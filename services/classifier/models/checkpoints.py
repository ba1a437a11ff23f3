"""Detoxify-format checkpoints built locally: for air-gapped sites preparing a config folder, for
tests (a tiny BERT), and for the benchmark (bert-base shape, random weights: speed does not depend
on the weights' values).

A Detoxify checkpoint is `{"config": {"arch": {"args": ...}, "dataset": {"args": {"classes"}}},
"state_dict": ...}`. Pointing `arch.args.model_type` at a local folder that holds config.json and
the tokenizer files makes Detoxify load with no network at all.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch
from transformers import BertConfig, BertForSequenceClassification

from services.classifier.offline.features import encoder_dir

ORIGINAL_CLASSES = ("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")
TOKENIZER_FILES = (
    "vocab.txt",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "tokenizer.json",
)
SHAPES = {
    "tiny": {
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 64,
    },
    "bert-base": {},  # BertConfig's defaults are bert-base-uncased
}


def write_config_folder(folder: Path, config: BertConfig) -> Path:
    """config.json plus the BERT-uncased tokenizer shipped with the offline encoder package."""
    folder.mkdir(parents=True, exist_ok=True)
    config.save_pretrained(folder)
    for name in TOKENIZER_FILES:
        source = encoder_dir() / name
        if source.exists():
            shutil.copy(source, folder / name)
    # The packaged tokenizer.json pads everything to 128; transformers overrides it per call,
    # but keep the folder honest for raw `tokenizers` users too.
    tokenizer_json = folder / "tokenizer.json"
    if tokenizer_json.exists():
        data = json.loads(tokenizer_json.read_text())
        data["padding"] = None
        tokenizer_json.write_text(json.dumps(data))
    return folder


def build_checkpoint(
    folder: Path, shape: str = "tiny", classes: tuple[str, ...] = ORIGINAL_CLASSES, seed: int = 0
) -> tuple[Path, Path]:
    """Write a randomly initialised Detoxify checkpoint and its config folder; return both paths."""
    torch.manual_seed(seed)
    config = BertConfig(num_labels=len(classes), **SHAPES[shape])
    config_folder = write_config_folder(folder / f"{shape}-config", config)
    model = BertForSequenceClassification(config).eval()
    checkpoint = {
        "config": {
            "arch": {
                "args": {
                    "model_type": str(config_folder),
                    "model_name": "BertForSequenceClassification",
                    "tokenizer_name": "BertTokenizer",
                    "num_classes": len(classes),
                }
            },
            "dataset": {"args": {"classes": list(classes)}},
        },
        "state_dict": model.state_dict(),
    }
    path = folder / f"detoxify-{shape}.ckpt"
    torch.save(checkpoint, path)
    return path, config_folder
