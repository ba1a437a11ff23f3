"""CPU-milliseconds per text of the classifier's model alone, with no service around it: the
baseline the pipeline benchmark holds the classifier service against, in the same run.

    python -m benchmarks.bare_model --texts 600   # prints one JSON line

The model is the one the service would load with the same environment (CLASSIFIER_MODEL,
CLASSIFIER_RUNTIME, CLASSIFIER_THREADS); the texts are the pipeline benchmark's. CPU time is
this process's own (`time.process_time`), measured per batch size: the service's batches are
as full as the load makes them, from one text at 50 posts/s to dozens when it is saturated.
"""

from __future__ import annotations

import argparse
import json
import time

from benchmarks.texts import post_text
from services.classifier.config import Settings
from services.classifier.models.select import load_scorer

BATCH_SIZES = (1, 2, 4, 8, 16, 32)


def cpu_ms_per_text(scorer, texts: list[str], batch: int) -> float:
    started = time.process_time()
    for start in range(0, len(texts), batch):
        scorer.score(texts[start : start + batch])
    return round((time.process_time() - started) * 1000 / len(texts), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=600)
    args = parser.parse_args()
    scorer = load_scorer(Settings())
    texts = [post_text(i) for i in range(args.texts)]
    scorer.score(texts[:64])  # load and first-run costs are not per text
    result = {f"batch_{size}": cpu_ms_per_text(scorer, texts, size) for size in BATCH_SIZES}
    print(json.dumps({"model": scorer.info.model_dump(), "cpu_ms_per_text": result}))


if __name__ == "__main__":
    main()
