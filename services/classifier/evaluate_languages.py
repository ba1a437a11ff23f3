"""Evaluate language identification and the running model, per language, on our hand-written
multilingual set (benchmarks/data/multilingual.jsonl: short posts in Perspective's languages and
Turkish, labelled per Detoxify label; see benchmarks/data/README.md).

Per language: detection accuracy (posts of 20 characters or more) and its CPU cost; the model's
ROC-AUC per label where the set has both classes (the model asked about every post, as it was
before posts were routed by language: what it would say blind); and, as the service does it
(a post in a language the model does not read gets no scores and meets the policy unscored),
the share of posts left unscored, of threats and of insults the default policy acts on, and
of benign posts (criticism, questions, figures of speech, benign mentions of identity) it acts
on. Pooled over languages too. Prints a table and writes benchmarks/results/languages.json.

    make eval-languages    (python -m services.classifier.evaluate_languages [--out PATH])
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from sklearn.metrics import roc_auc_score

from services.classifier.config import Settings
from services.classifier.domain.language import language_of
from services.classifier.domain.normalize import make_normalizer
from services.classifier.languages import LanguageIdentifier
from services.classifier.models.select import load_scorer
from services.classifier.offline.vocabulary import known_words
from services.contracts.events import UNDETERMINED
from services.policy.language import Action, PostFacts, evaluate
from services.policy.text import parse_policy

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "benchmarks" / "data" / "multilingual.jsonl"
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_POLICY = ROOT / "deploy" / "policies" / "default.yaml"
LABELS = ("toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack")
BENIGN = ("criticism", "benign_identity", "question", "figure")
MIN_CHARS = 20  # the detection target is for posts of this length or more


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


def as_served(scores: dict, code: str, reads: frozenset[str], text: str) -> PostFacts:
    """What the policy sees for a post, as the service routes it."""
    if code == UNDETERMINED or code in reads:
        return PostFacts(scores=scores, text=text, language=code)
    return PostFacts(scores={}, text=text, language=code, unscored="language_not_supported")


def roc(rows: list[dict], scores: list[dict], label: str) -> float | None:
    pairs = [(r["labels"][label], s[label]) for r, s in zip(rows, scores, strict=True)
             if label in s]  # fmt: skip
    truth = [t for t, _ in pairs]
    if not pairs or min(truth) == max(truth):
        return None
    return round(float(roc_auc_score(truth, [p for _, p in pairs])), 3)


def share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 3) if flags else None


def figures(
    rows: list[dict], scores: list[dict], acted: list[bool], codes: list[str], unread: list[bool]
) -> dict:
    long = [i for i, r in enumerate(rows) if len(r["text"]) >= MIN_CHARS]
    return {
        "posts": len(rows),
        "detected_right": share([codes[i] == rows[i]["lang"] for i in long]),
        "unscored": share(unread),
        "roc_auc": {label: roc(rows, scores, label) for label in LABELS},
        "threats_acted_on": share([a for r, a in zip(rows, acted, strict=True) if r["kind"] == "threat"]),
        "insults_acted_on": share([a for r, a in zip(rows, acted, strict=True) if r["kind"] == "insult"]),
        "benign_acted_on": share([a for r, a in zip(rows, acted, strict=True) if r["kind"] in BENIGN]),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=RESULTS / "languages.json")
    args = parser.parse_args()
    rows = rows_of(args.data)
    codes, detect_ms = detection(rows)
    scorer = load_scorer(Settings())
    normalize = make_normalizer(known_words())
    scores = list(scorer.score([normalize(r["text"]) for r in rows]))
    policy = parse_policy(DEFAULT_POLICY.read_text(encoding="utf-8"), "default.yaml")
    served = [
        as_served(s, code, scorer.languages, r["text"])
        for r, s, code in zip(rows, scores, codes, strict=True)
    ]
    acted = [evaluate(facts, policy).action is not Action.ALLOW for facts in served]
    unread = [facts.unscored is not None for facts in served]
    by_language: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by_language[row["lang"]].append(index)
    per_language = {
        lang: figures(*([seq[i] for i in indexes] for seq in (rows, scores, acted, codes, unread)))
        for lang, indexes in sorted(by_language.items())
    }
    report = {
        "evaluation": "languages",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "model": scorer.info.model_dump(),
        "detection_cpu_ms_per_post": round(detect_ms, 3),
        "model_reads": sorted(scorer.languages),
        "pooled": figures(rows, scores, acted, codes, unread),
        "per_language": per_language,
    }
    print(f"model {scorer.info.id} {scorer.info.version}; detection {detect_ms:.3f} CPU-ms/post")
    print(f"the model reads: {', '.join(sorted(scorer.languages))}; tox AUC: the model asked "
          "blind; unscored and acted on: as served")  # fmt: skip
    print(f"{'lang':>6} {'detect':>7} {'tox AUC':>8} {'unscored':>9} {'threats':>8} "
          f"{'insults':>8} {'benign':>7}")  # fmt: skip
    for lang, f in [*per_language.items(), ("pooled", report["pooled"])]:
        print(f"{lang:>6} {f['detected_right']!s:>7} {f['roc_auc']['toxicity']!s:>8} "
              f"{f['unscored']!s:>9} {f['threats_acted_on']!s:>8} {f['insults_acted_on']!s:>8} "
              f"{f['benign_acted_on']!s:>7}")  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
