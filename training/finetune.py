"""Fine-tune the MiniLM encoder end to end with LoRA adapters and a multi-label head; the adapter
is what the offline model's encoder ships with (services/classifier/offline/adapter.py).

    python -m training.finetune [--epochs 2] [--rank 16] [--max-tokens 96]
        [--out adapter.npz] [--resume]

- Validation: the same held-out tenth of train.jsonl as the head's calibration (seed 7); it is
  never trained on.
- Loss: binary cross-entropy per label, masked where a row does not carry the label, with a
  positive weight of sqrt(negatives / positives) per label (at most 20) for the rare ones.
- Augmentation: 600 generated threats and 600 look-alikes that are not threats
  (offline/augment.py) join the fit rows at the weight of a common row; they are never
  validated or reported on.
- Sampling: each epoch draws as many rows as the fit has, real rows with a positive threat,
  severe_toxicity or identity_attack 4x as likely; rows of similar token length share a batch
  (random batches pad most texts to the longest of 32), and the batches' order is shuffled.
- LoRA (peft) of rank `--rank` (alpha twice the rank), dropout 0.1 on every linear layer of the
  six layers (attention and feed-forward); the head reads the mean-pooled, unit-length
  embedding. AdamW, lr 5e-4 with 100 warm-up steps and a linear decay to zero, batches of 32,
  at most `--max-tokens` tokens, seeded.
- A checkpoint after every epoch in `--work`; `--resume` goes on from the last one.
- Writes the adapter (float16) and reports ROC-AUC and PR-AUC per label on the validation
  rows and on test.jsonl to benchmarks/results/finetune.json.
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
from services.classifier.offline.adapter import ADAPTER_PATH, of_peft
from services.classifier.offline.features import encoder_dir
from services.classifier.offline.vocabulary import known_words
from training.augment import threat_rows
from training.data import DEFAULT_DATA, JIGSAW_LABELS, Dataset, load
from training.train import SEED, held_out_tenth

LABELS = JIGSAW_LABELS
RARE = ("threat", "severe_toxicity", "identity_attack")
RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"
BATCH = 32
BUCKET = 64  # batches per pool sorted by length
HYPER = {"r": 16, "alpha": 32, "dropout": 0.1, "lr": 5e-4, "warmup": 100, "batch": BATCH,
         "max_tokens": 96, "rare_oversampling": 4, "seed": SEED, "generated_threats": 600,
         "targets": ["query", "key", "value", "dense"]}  # fmt: skip


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
            batch = tokenizer([texts[i] for i in index], truncation=True,
                              max_length=HYPER["max_tokens"], padding=True,
                              return_tensors="pt")  # fmt: skip
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


def epoch_batches(
    fit: np.ndarray, weights: np.ndarray, lengths: np.ndarray, epoch: int
) -> list[np.ndarray]:
    """One epoch's batches: weighted draws, pooled by BUCKET batches and sorted by length inside a
    pool so a batch pads little; the order of the batches is shuffled. Seeded by the epoch."""
    rng = np.random.default_rng((SEED, epoch))
    drawn = rng.choice(fit, size=len(fit), p=weights / weights.sum())
    batches = []
    pool = BATCH * BUCKET
    for start in range(0, len(drawn), pool):
        chunk = drawn[start : start + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i : i + BATCH] for i in range(0, len(chunk), BATCH)]
    return [batches[i] for i in rng.permutation(len(batches))]


def learning_rate(step: int, total: int) -> float:
    warm = min(1.0, (step + 1) / HYPER["warmup"])
    return HYPER["lr"] * warm * max(0.0, 1.0 - step / max(total, 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--rank", type=int, default=HYPER["r"], help="LoRA rank; alpha is 2x")
    parser.add_argument("--max-tokens", type=int, default=HYPER["max_tokens"])
    parser.add_argument("--out", type=Path, default=ADAPTER_PATH)
    parser.add_argument("--work", type=Path, default=Path(".run/finetune"))
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()
    HYPER.update(r=args.rank, alpha=2 * args.rank, max_tokens=args.max_tokens)
    torch.manual_seed(SEED)
    torch.set_num_threads(2)

    normalize = make_normalizer(known_words())
    train = load(args.data / "train.jsonl")
    held = held_out_tenth(len(train.texts))
    y, known = targets(train)
    rare = ~held & (y[:, [LABELS.index(r) for r in RARE]].sum(1) > 0)
    generated = threat_rows(HYPER["generated_threats"])
    y_generated, known_generated = targets(generated)
    texts = [normalize(t) for t in train.texts + generated.texts]
    y, known = np.vstack([y, y_generated]), np.vstack([known, known_generated])
    held = np.concatenate([held, np.zeros(len(generated.texts), bool)])
    rare = np.concatenate([rare, np.zeros(len(generated.texts), bool)])
    fit = np.flatnonzero(~held)
    weights = np.where(rare, HYPER["rare_oversampling"], 1.0)[fit]
    positives = (y[fit] * known[fit]).sum(0)
    negatives = known[fit].sum(0) - positives
    pos_weight = torch.tensor(np.clip(np.sqrt(negatives / np.maximum(positives, 1)), 1, 20))

    path = encoder_dir()
    tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    tokens = tokenizer(texts, truncation=True, max_length=HYPER["max_tokens"])["input_ids"]
    lengths = np.array([len(ids) for ids in tokens])
    encoder = AutoModel.from_pretrained(str(path), local_files_only=True)
    lora = LoraConfig(r=HYPER["r"], lora_alpha=HYPER["alpha"], lora_dropout=HYPER["dropout"],
                      target_modules=HYPER["targets"])  # fmt: skip
    model = Tagger(get_peft_model(encoder, lora))
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=HYPER["lr"], weight_decay=0.01)
    loss_of = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight, reduction="none")
    print(f"trainable parameters: {sum(p.numel() for p in trainable):,}", flush=True)

    epochs = math.ceil(args.epochs)
    per_epoch = math.ceil(len(fit) / BATCH)
    total = int(args.epochs * per_epoch)
    first, minutes_before = 0, 0.0
    checkpoint = args.work / "checkpoint.pt"
    if args.resume and checkpoint.exists():
        saved = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        first, minutes_before = saved["epoch"], saved["minutes"]
        torch.set_rng_state(saved["torch_rng"])  # dropout goes on as in an unbroken run
        print(f"resuming after epoch {first}", flush=True)

    started, step = time.monotonic(), first * per_epoch
    model.train()
    for epoch in range(first, epochs):
        for batch_rows in epoch_batches(fit, weights, lengths, epoch):
            if step >= total:
                break
            batch = tokenizer([texts[i] for i in batch_rows], truncation=True,
                              max_length=HYPER["max_tokens"], padding=True,
                              return_tensors="pt")  # fmt: skip
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(step, total)
            logits = model(**batch)
            mask = torch.from_numpy(known[batch_rows])
            loss = (loss_of(logits, torch.from_numpy(y[batch_rows])) * mask).sum() / mask.sum()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            if step % 100 == 0:
                rate = (step - first * per_epoch) * BATCH / (time.monotonic() - started)
                print(f"epoch {epoch} step {step}/{total} loss {loss.item():.4f} "
                      f"({rate:.1f} texts/s)", flush=True)  # fmt: skip
        args.work.mkdir(parents=True, exist_ok=True)
        minutes = minutes_before + (time.monotonic() - started) / 60
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "epoch": epoch + 1, "minutes": minutes, "torch_rng": torch.get_rng_state()},
                   checkpoint)  # fmt: skip
    minutes = minutes_before + (time.monotonic() - started) / 60

    held_rows = np.flatnonzero(held)
    validation = report(
        y[held_rows], known[held_rows], scores_of(model, tokenizer, [texts[i] for i in held_rows])
    )
    test = load(args.data / "test.jsonl")
    y_test, known_test = targets(test)
    jigsaw = test.from_source("jigsaw_toxic")
    test_scores = scores_of(model, tokenizer, [normalize(t) for t in test.texts])
    found = {
        "hyper_parameters": HYPER, "steps": step, "texts_seen": step * BATCH,
        "epochs": round(step / per_epoch, 3), "training_minutes": round(minutes, 1),
        "validation": validation,
        "test_jigsaw": report(y_test[jigsaw], known_test[jigsaw], test_scores[jigsaw]),
        "test_all": report(y_test, known_test, test_scores),
        "test_by_source": {
            source: report(y_test[rows], known_test[rows], test_scores[rows])
            for source in sorted(set(test.sources))
            if (rows := np.array([s == source for s in test.sources])).any()
        },
    }  # fmt: skip
    aucs = [v["roc_auc"] for v in found["test_jigsaw"].values()]
    found["test_jigsaw_mean_roc_auc"] = round(float(np.mean(aucs)), 4) if aucs else math.nan
    info = {key: found[key] for key in ("hyper_parameters", "steps", "epochs", "training_minutes")}
    adapter = of_peft(model.encoder.state_dict(), HYPER["alpha"] / HYPER["r"], info)
    adapter.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "finetune.json").write_text(json.dumps(found, indent=2) + "\n")
    print(json.dumps(found, indent=2))


if __name__ == "__main__":
    main()
