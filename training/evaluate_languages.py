"""Evaluate language identification and the running model, per language, on our hand-written
multilingual set (benchmarks/data/multilingual.jsonl: short posts in Perspective's languages and
Turkish, labelled per Detoxify label; see benchmarks/data/README.md).

Each post is read as the service reads it: its language detected, then scored by the model the
routes give that language (CLASSIFIER_MODEL, then CLASSIFIER_LANGUAGE_MODELS), or left unscored
when no loaded model reads it, and then met by the default policy. Per language: detection
accuracy (posts of 20 characters or more) and its CPU cost; which model read it; ROC-AUC per
label over the scored posts where the set has both classes; the share of posts left unscored,
of threats and of insults the default policy acts on, and of benign posts (criticism, questions,
figures of speech, benign mentions of identity) it acts on; where the model reads tone, the share
of civil criticism it reads as negative (what pulse gathers for the digest) and of questions and
benign mentions of identity it reads as negative (what it should not). Pooled over languages
too. Prints a table and writes benchmarks/results/languages.json.

    make eval-languages    (python -m training.evaluate_languages [--out PATH])
    CLASSIFIER_LANGUAGE_MODELS=none make eval-languages    (the English model alone)
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from pathlib import Path

from sklearn.metrics import roc_auc_score

from services.classifier.config import Settings
from services.classifier.domain.language import language_of
from services.classifier.domain.normalize import make_normalizer
from services.classifier.domain.scoring import split_tone
from services.classifier.languages import LanguageIdentifier
from services.classifier.models.routes import Routes
from services.classifier.models.select import load_routes
from services.classifier.offline.vocabulary import known_words
from services.contracts.events import Tone
from services.policy.language import Action, PostFacts, evaluate
from services.policy.text import parse_policy

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "multilingual.jsonl"
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_POLICY = ROOT / "deploy" / "policies" / "default.yaml"
LABELS = ("toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack")
BENIGN = ("criticism", "benign_identity", "question", "figure")
MIN_CHARS = 20  # the detection target is for posts of this length or more
MIN_SCORED = 10  # a ROC-AUC over fewer scored posts (a language no model reads) says nothing


def rows_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def detection(rows: list[dict]) -> tuple[list[str], float]:
    """The code each post is read as, and CPU-ms per post (after one warm pass)."""
    identifier = LanguageIdentifier()
    for row in rows:
        language_of(None, row["text"], identifier.guess)
    started = time.process_time()
    codes = [language_of(None, row["text"], identifier.guess).code for row in rows]
    return codes, (time.process_time() - started) * 1000 / len(rows)


def as_served(
    routes: Routes, texts: list[str], codes: list[str]
) -> tuple[list[dict], list[str | None], list[bool | None]]:
    """Each text's scores from the model its language is routed to ({} when none reads it),
    that model's id, and whether it read the tone as negative (None: it reads no tone)."""
    scores: list[dict] = [{} for _ in texts]
    models: list[str | None] = [None] * len(texts)
    negative: list[bool | None] = [None] * len(texts)
    for index, positions in routes.by_model(codes).items():
        model = routes.models[index]
        for position, result in zip(
            positions, model.score([texts[p] for p in positions]), strict=True
        ):
            scores[position], tone = split_tone(result)
            models[position] = model.info.id
            if tone is not None:
                negative[position] = (
                    Tone(negative=tone[0], positive=tone[1]).likeliest == "negative"
                )
    return scores, models, negative


def facts(scores: dict, code: str, model: str | None, text: str) -> PostFacts:
    if model is None:
        return PostFacts(scores={}, text=text, language=code, unscored="language_not_supported")
    return PostFacts(scores=scores, text=text, language=code)


def roc(rows: list[dict], scores: list[dict], label: str) -> float | None:
    pairs = [(r["labels"][label], s[label]) for r, s in zip(rows, scores, strict=True)
             if label in s]  # fmt: skip
    truth = [t for t, _ in pairs]
    if len(pairs) < MIN_SCORED or min(truth) == max(truth):
        return None
    return round(float(roc_auc_score(truth, [p for _, p in pairs])), 3)


def share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 3) if flags else None


def read_negative(
    rows: list[dict], negative: list[bool | None], kinds: tuple[str, ...]
) -> float | None:
    return share(
        [n for r, n in zip(rows, negative, strict=True) if r["kind"] in kinds and n is not None]
    )


def figures(
    rows: list[dict],
    scores: list[dict],
    acted: list[bool],
    codes: list[str],
    models: list,
    negative: list[bool | None],
) -> dict:
    long = [i for i, r in enumerate(rows) if len(r["text"]) >= MIN_CHARS]
    return {
        "posts": len(rows),
        "read_by": dict(Counter(str(m) for m in models)),
        "detected_right": share([codes[i] == rows[i]["lang"] for i in long]),
        "unscored": share([m is None for m in models]),
        "roc_auc": {label: roc(rows, scores, label) for label in LABELS},
        "threats_acted_on": share([a for r, a in zip(rows, acted, strict=True) if r["kind"] == "threat"]),
        "insults_acted_on": share([a for r, a in zip(rows, acted, strict=True) if r["kind"] == "insult"]),
        "benign_acted_on": share([a for r, a in zip(rows, acted, strict=True) if r["kind"] in BENIGN]),
        "tone_read": share([n is not None for n in negative]),
        "criticism_read_negative": read_negative(rows, negative, ("criticism",)),
        "questions_read_negative": read_negative(rows, negative, ("question",)),
        "identity_read_negative": read_negative(rows, negative, ("benign_identity",)),
    }  # fmt: skip


def misses(rows: list[dict], scores: list[dict], acted: list[bool]) -> list[dict]:
    """The posts the served model got wrong: threats and insults let through, benign posts
    acted on; with the scores that decided (for reading what a model does not understand)."""
    return [
        {"id": r["id"], "kind": r["kind"], "acted": a, "text": r["text"],
         "scores": {k: round(v, 3) for k, v in s.items() if k in ("toxicity", "threat", "insult")}}
        for r, s, a in zip(rows, scores, acted, strict=True)
        if (r["kind"] in ("threat", "insult") and not a) or (r["kind"] in BENIGN and a)
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=RESULTS / "languages.json")
    args = parser.parse_args()
    rows = rows_of(args.data)
    codes, detect_ms = detection(rows)
    routes = load_routes(Settings())
    normalize = make_normalizer(known_words())
    scores, models, negative = as_served(routes, [normalize(r["text"]) for r in rows], codes)
    policy = parse_policy(DEFAULT_POLICY.read_text(encoding="utf-8"), "default.yaml")
    acted = [
        evaluate(facts(s, code, model, r["text"]), policy).action is not Action.ALLOW
        for r, s, code, model in zip(rows, scores, codes, models, strict=True)
    ]
    by_language: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by_language[row["lang"]].append(index)
    per_language = {
        lang: figures(
            *([seq[i] for i in indexes] for seq in (rows, scores, acted, codes, models, negative))
        )
        for lang, indexes in sorted(by_language.items())
    }
    report = {
        "evaluation": "languages",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "models": [model.info.model_dump() for model in routes.models],
        "detection_cpu_ms_per_post": round(detect_ms, 3),
        "reads": routes.reads(),
        "pooled": figures(rows, scores, acted, codes, models, negative),
        "per_language": per_language,
        "misses": misses(rows, scores, acted),
    }
    for model in routes.models:
        print(f"model {model.info.id} {model.info.version}: {', '.join(sorted(model.languages))}")
    print(f"detection {detect_ms:.3f} CPU-ms/post; every figure as served (routed, or unscored)")
    print(f"{'lang':>6} {'detect':>7} {'tox AUC':>8} {'unscored':>9} {'threats':>8} "
          f"{'insults':>8} {'benign':>7} {'tone: criticism':>16} {'questions':>10}")  # fmt: skip
    for lang, f in [*per_language.items(), ("pooled", report["pooled"])]:
        print(f"{lang:>6} {f['detected_right']!s:>7} {f['roc_auc']['toxicity']!s:>8} "
              f"{f['unscored']!s:>9} {f['threats_acted_on']!s:>8} {f['insults_acted_on']!s:>8} "
              f"{f['benign_acted_on']!s:>7} {f['criticism_read_negative']!s:>16} "
              f"{f['questions_read_negative']!s:>10}")  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
