"""Train a multilingual model's tone head: VADER's tone of English rows of train.jsonl and the
tone phrasebook (offline/tone_phrasebook.py), read from an encoder's vectors (the Universal
Sentence Encoder's, or e5's with --encoder e5) by a logistic regression over three classes.

    make train-tone    (python -m training.train_tone --encoder use, then e5)

VADER is an English lexicon; the encoder places a sentence near its translations, so a head that
learns VADER's tone from English vectors reads it, less well, in the other languages the encoder
knows. Rows are short posts (under 600 characters, the length a tone is one tone), drawn with a
fixed seed. Jigsaw's negative rows are mostly insults, so the phrasebook's calm complaints, in
each language, weigh PHRASE_WEIGHT rows each: on our evaluation set (over the 13 languages
besides English) civil criticism read as negative went from 0.55 to 0.92 with the weight 5 (0.82
with 1), questions read as negative from 0.04 to 0.07. The weight was chosen on that set, and
some of its complaints are about the same things as the phrasebook's: its figures are
optimistic. `make eval-languages` gives what it reads in each language.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from services.classifier.domain.normalize import make_normalizer
from services.classifier.offline.encoders import ENCODERS
from services.classifier.offline.tone_head import CLASSES, ToneHead
from services.classifier.offline.vocabulary import known_words
from training.data import DEFAULT_DATA, cached_embeddings, load
from training.tone_phrasebook import tone_rows
from training.train_multilingual import first_windows

ROWS = 20_000
MAX_CHARS = 600
CUTOFF = 0.05  # VADER's customary line between neutral and a tone, as pulse draws it
SEED = 0
PHRASE_WEIGHT = 5.0


def tone_class(compound: float) -> int:
    if compound <= -CUTOFF:
        return CLASSES.index("negative")
    return CLASSES.index("positive" if compound >= CUTOFF else "neutral")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--encoder", choices=sorted(ENCODERS), default="use")
    parser.add_argument("--out", type=Path, help="default: the encoder's tone head file")
    args = parser.parse_args()
    kind = ENCODERS[args.encoder]
    out: Path = args.out or kind.tone_path
    started = time.monotonic()
    texts = [t for t in load(args.data / "train.jsonl").texts if len(t) < MAX_CHARS]
    random.Random(SEED).shuffle(texts)
    texts = texts[:ROWS]
    vader = SentimentIntensityAnalyzer()
    y = np.array([tone_class(vader.polarity_scores(t)["compound"]) for t in texts])
    normalize = make_normalizer(known_words())
    encoder = kind.load(2)
    normalized = [normalize(t) for t in texts]
    x = cached_embeddings(
        normalized, lambda t: first_windows(encoder, t), f"tone-{encoder.identity}"
    )
    phrases, tones = tone_rows(kind.reads)
    x = np.r_[x, first_windows(encoder, [normalize(t) for t in phrases])]
    y = np.r_[y, tones]
    weights = np.r_[np.ones(len(texts)), np.full(len(phrases), PHRASE_WEIGHT)]
    print(f"vectors {x.shape} in {time.monotonic() - started:.0f}s", flush=True)
    model = LogisticRegression(C=1.0, max_iter=3000).fit(x, y, sample_weight=weights)
    coefficients = model.coef_.T.astype(np.float32)
    digest = hashlib.sha256(coefficients.tobytes()).hexdigest()[:12]
    head = ToneHead(
        weights=coefficients,
        bias=model.intercept_.astype(np.float32),
        version=f"{datetime.now(UTC):%Y.%m.%d}+{digest}",
        info={
            "trained_on": f"VADER's tone of {len(texts)} English rows of train.jsonl, and "
            f"{len(phrases)} tone phrasebook rows weighing {PHRASE_WEIGHT:g} each",
            "encoder": encoder.identity,
            "classes": dict(zip(CLASSES, np.bincount(y, minlength=3).tolist(), strict=True)),
            "cutoff": CUTOFF,
        },
    )
    head.save(out)
    print(f"wrote {out} ({out.stat().st_size / 1e3:.1f} kB) classes {head.info['classes']}")


if __name__ == "__main__":
    main()
