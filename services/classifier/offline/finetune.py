"""Fine-tune the MiniLM encoder end to end with LoRA adapters and a multi-label head: the
experiment toward an offline model that catches threats (not yet what the service runs).

    python -m services.classifier.offline.finetune [--minutes 25] [--out DIR]

- Validation: the same held-out tenth of train.jsonl as the head's calibration (seed 7).
- Loss: binary cross-entropy per label, masked where a row does not carry the label, with a
  positive weight of sqrt(negatives / positives) per label (at most 20) for the rare ones.
- Sampling: rows with a positive threat, severe_toxicity or identity_attack come 4x as often.
- LoRA (peft) r=8, alpha=16, dropout 0.1 on query, key, value and the attention output of the
  six layers; the head reads the mean-pooled embedding. AdamW, lr 5e-4, 100 warm-up steps,
  batches of 32, at most 96 tokens, seeded.
- Stops after `--minutes` of training, then reports ROC-AUC and PR-AUC per label on the
  validation rows and on test.jsonl, and writes the adapter and head (float16) with the report.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
from peft import LoraConfig, get_peft_model
from sklearn.metrics import average_precision_score, roc_auc_score
from transformers import AutoModel, AutoTokenizer

from services.classifier.domain.normalize import make_normalizer
from services.classifier.offline.data import DEFAULT_DATA, Dataset, load
from services.classifier.offline.features import encoder_dir
from services.classifier.offline.train import CALIBRATION_SHARE, SEED
from services.classifier.offline.vocabulary import known_words

LABELS = ("toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack")
RARE = ("threat", "severe_toxicity", "identity_attack")
RESULTS = Path(__file__).resolve().parents[3] / "benchmarks" / "results"
MAX_TOKENS = 96
BATCH = 32
HYPER = {"r": 8, "alpha": 16, "dropout": 0.1, "lr": 5e-4, "warmup": 100, "batch": BATCH,
         "max_tokens": MAX_TOKENS, "rare_oversampling": 4, "seed": SEED}  # fmt: skip


class Tagger(torch.nn.Module):
    def __init__(self, encoder: torch.nn.Module) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = torch.nn.Linear(encoder.config.hidden_size, len(LABELS))

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(torch.nn.functional.normalize(pooled, dim=-1) * 10.0)


def targets(data: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """(rows, labels) of 0/1 targets and a mask of the labels each row carries."""
    y = np.zeros((len(data.labels), len(LABELS)), np.float32)
    known = np.zeros_like(y)
    for i, labels in enumerate(data.labels):
        for j, label in enumerate(LABELS):
            if label in labels:
                known[i, j] = 1.0
                y[i, j] = float(labels[label] >= 0.5)
    return y, known


def scores_of(model: Tagger, tokenizer, texts: list[str]) -> np.ndarray:
    model.eval()
    out = np.zeros((len(texts), len(LABELS)), np.float32)
    order = np.argsort([len(t) for t in texts], kind="stable")
    with torch.inference_mode():
        for start in range(0, len(order), 64):
            index = order[start : start + 64]
            batch = tokenizer([texts[i] for i in index], truncation=True, max_length=MAX_TOKENS,
                              padding=True, return_tensors="pt")  # fmt: skip
            out[index] = torch.sigmoid(model(**batch)).numpy()
    model.train()
    return out


def report(y: np.ndarray, known: np.ndarray, p: np.ndarray) -> dict:
    found = {}
    for j, label in enumerate(LABELS):
        rows = known[:, j] > 0
        if rows.sum() and 0 < y[rows, j].sum() < rows.sum():
            found[label] = {
                "rows": int(rows.sum()), "positives": int(y[rows, j].sum()),
                "roc_auc": round(float(roc_auc_score(y[rows, j], p[rows, j])), 4),
                "pr_auc": round(float(average_precision_score(y[rows, j], p[rows, j])), 4),
            }  # fmt: skip
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--minutes", type=float, default=25.0)
    parser.add_argument("--out", type=Path, default=Path(".run/finetune"))
    args = parser.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    rng = np.random.default_rng(SEED)

    normalize = make_normalizer(known_words())
    train = load(args.data / "train.jsonl")
    texts = [normalize(t) for t in train.texts]
    y, known = targets(train)
    held = rng.random(len(texts)) < CALIBRATION_SHARE  # the same draw as train.py's
    fit = np.flatnonzero(~held)
    rare = np.isin(np.arange(len(texts)), fit) & (y[:, [LABELS.index(r) for r in RARE]].sum(1) > 0)
    weights = np.where(rare, HYPER["rare_oversampling"], 1.0)[fit]
    positives = (y[fit] * known[fit]).sum(0)
    negatives = known[fit].sum(0) - positives
    pos_weight = torch.tensor(np.clip(np.sqrt(negatives / np.maximum(positives, 1)), 1, 20))

    path = encoder_dir()
    tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    encoder = AutoModel.from_pretrained(str(path), local_files_only=True)
    lora = LoraConfig(r=HYPER["r"], lora_alpha=HYPER["alpha"], lora_dropout=HYPER["dropout"],
                      target_modules=["query", "key", "value", "attention.output.dense"])  # fmt: skip
    model = Tagger(get_peft_model(encoder, lora))
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=HYPER["lr"], weight_decay=0.01)
    loss_of = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight, reduction="none")
    print(f"trainable parameters: {sum(p.numel() for p in trainable):,}", flush=True)

    started, step, seen = time.monotonic(), 0, 0
    model.train()
    while time.monotonic() - started < args.minutes * 60:
        batch_rows = rng.choice(fit, size=BATCH, p=weights / weights.sum())
        batch = tokenizer([texts[i] for i in batch_rows], truncation=True, max_length=MAX_TOKENS,
                          padding=True, return_tensors="pt")  # fmt: skip
        for group in optimizer.param_groups:
            group["lr"] = HYPER["lr"] * min(1.0, (step + 1) / HYPER["warmup"])
        logits = model(**batch)
        mask = torch.from_numpy(known[batch_rows])
        loss = (loss_of(logits, torch.from_numpy(y[batch_rows])) * mask).sum() / mask.sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        step, seen = step + 1, seen + BATCH
        if step % 50 == 0:
            rate = seen / (time.monotonic() - started)
            print(f"step {step} loss {loss.item():.4f} ({rate:.1f} texts/s)", flush=True)
    minutes = (time.monotonic() - started) / 60

    held_rows = np.flatnonzero(held)
    validation = report(
        y[held_rows], known[held_rows], scores_of(model, tokenizer, [texts[i] for i in held_rows])
    )
    test = load(args.data / "test.jsonl")
    y_test, known_test = targets(test)
    jigsaw = np.array([s == "jigsaw_toxic" for s in test.sources])
    test_scores = scores_of(model, tokenizer, [normalize(t) for t in test.texts])
    found = {
        "hyper_parameters": HYPER, "steps": step, "texts_seen": seen,
        "epochs": round(seen / len(fit), 3), "training_minutes": round(minutes, 1),
        "validation": validation,
        "test_jigsaw": report(y_test[jigsaw], known_test[jigsaw], test_scores[jigsaw]),
        "test_all": report(y_test, known_test, test_scores),
    }  # fmt: skip
    aucs = [v["roc_auc"] for v in found["test_jigsaw"].values()]
    found["test_jigsaw_mean_roc_auc"] = round(float(np.mean(aucs)), 4) if aucs else math.nan
    args.out.mkdir(parents=True, exist_ok=True)
    state = {
        k: v.half() for k, v in model.state_dict().items() if "lora_" in k or k.startswith("head.")
    }
    torch.save(state, args.out / "adapter.pt")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "finetune.json").write_text(json.dumps(found, indent=2) + "\n")
    print(json.dumps(found, indent=2))


if __name__ == "__main__":
    main()
