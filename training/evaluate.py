"""Evaluate the offline model on test.jsonl: ROC-AUC and PR-AUC per label, overall and per
source; expected calibration error per label before and after calibration, with reliability
diagrams; and the share of benign identity mentions, of plain threats and of violent figures
of speech ("my knees are killing me") the default policy acts on.

    python -m training.evaluate [--data DIR] [--head H --adapter A --report R]

Rows are scored through the same normalizer and features the service uses. A label a row does
not carry is left out of that label's metrics. Results are printed and written to
benchmarks/results/offline_eval_<runtime>.json and benchmarks/results/reliability/ (the
service's default runtime on CPU is onnx-int8); with `--report`, beside that file instead.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from services.classifier.domain.calibration import expected_calibration_error, reliability
from services.classifier.domain.normalize import make_normalizer
from services.classifier.models.offline import OfflineScorer
from services.classifier.models.onnx import FAST_RUNTIMES
from services.classifier.offline.adapter import ADAPTER_PATH
from services.classifier.offline.features import NgramFeatures, combine
from services.classifier.offline.head import HEAD_PATH
from services.classifier.offline.vocabulary import known_words
from services.policy.language import Action, PostFacts, evaluate
from services.policy.text import parse_policy
from training.benign_identity import sentences
from training.data import (
    DEFAULT_DATA,
    JIGSAW_LABELS,
    Dataset,
    cached_embeddings,
    load,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_POLICY = ROOT / "deploy" / "policies" / "default.yaml"
# Plain threats against a person, written here: the default policy should act on every one.
THREATS = (
    "I will find you and hurt you",
    "I know where you live and I am coming for you",
    "Say that again and I will break your legs",
    "You better watch your back, I will kill you",
    "I'm going to beat you until you can't walk",
    "Keep posting and I will burn your house down",
    "I will stab you the next time I see you",
    "Someone should shoot you, and it might be me",
    "I will hunt you down and make you suffer",
    "Wait until I get my hands on you, you are dead",
)
# Violent words that threaten no one, written here apart from augment.py's look-alikes: the
# default policy should act on none of them.
FIGURES_OF_SPEECH = (
    "This heat wave is going to kill me before the weekend",
    "My sister murdered that karaoke song last night and we loved it",
    "I could strangle my router, it dropped the call again",
    "The new expansion blew me away, what a story",
    "We got absolutely wrecked in the semi-final, well played to them",
    "Our goalkeeper stabbed at the ball and somehow saved it",
    "You are going to slay that interview tomorrow",
    "I'd die for a slice of that lemon cake",
    "That plot twist hit me like a truck",
    "I am going to beat my personal best this season",
    "The critics tore the movie apart but I enjoyed it",
    "She shot down every argument in the debate",
    "This spreadsheet is torturing me today",
    "He bombed the exam but he will retake it in June",
    "Let's kill two birds with one stone and fix both bugs",
    "The comedian absolutely destroyed the audience, I cried laughing",
    "I will hunt for a cheaper flight tomorrow",
    "My knees are killing me after that hike",
    "The sniper rifle in this game feels overpowered",
    "Our team will crush the league if the striker stays fit",
)


def calibration_report(
    data: Dataset, raw: np.ndarray, calibrated: np.ndarray, labels, out: Path
) -> dict:
    """ECE per label before and after calibration, and a reliability diagram per label."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    report = {}
    for column, label in enumerate(labels):
        rows, y = data.targets(label)
        if len(rows) == 0 or y.min() == y.max():
            continue
        before, after = raw[rows, column], calibrated[rows, column]
        report[label] = {
            "ece_raw": round(expected_calibration_error(before, y), 4),
            "ece_calibrated": round(expected_calibration_error(after, y), 4),
        }
        figure, axes = plt.subplots(figsize=(4.5, 4.5))
        axes.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect")
        for name, scores in (("raw", before), ("calibrated", after)):
            mean_score, observed, counts = reliability(scores, y)
            used = counts > 0
            axes.plot(mean_score[used], observed[used], marker="o", label=name)
        axes.set(title=f"{label} (test.jsonl, {len(rows)} rows)", xlabel="score",
                 ylabel="observed rate", xlim=(0, 1), ylim=(0, 1))  # fmt: skip
        axes.legend(loc="upper left")
        figure.tight_layout()
        figure.savefig(out / f"{label}.png", dpi=80)
        plt.close(figure)
    return report


def policy_acts(scorer: OfflineScorer, texts: list[str]) -> dict:
    """How many texts the default policy would act on (label or worse), and on which."""
    policy = parse_policy(DEFAULT_POLICY.read_text(encoding="utf-8"), "default.yaml")
    normalize = make_normalizer(known_words())
    scored = scorer.score([normalize(t) for t in texts])
    acted = [
        {
            "text": text,
            "action": verdict.action.value,
            "scores": {k: round(v, 3) for k, v in s.items()},
        }
        for text, s in zip(texts, scored, strict=True)
        if (verdict := evaluate(PostFacts(scores=s, text=text), policy)).action is not Action.ALLOW
    ]
    return {"texts": len(texts), "acted_on": len(acted), "rate": round(len(acted) / len(texts), 4),
            "examples": acted[:10]}  # fmt: skip


def metrics_for(
    data: Dataset, probabilities: np.ndarray, labels: tuple[str, ...], rows: np.ndarray
) -> dict:
    out = {}
    for column, label in enumerate(labels):
        carrying, y = data.targets(label)
        keep = np.isin(carrying, rows)
        carrying, y = carrying[keep], y[keep]
        if len(carrying) == 0 or y.min() == y.max():
            continue
        scores = probabilities[carrying, column]
        out[label] = {
            "rows": len(carrying),
            "positives": int(y.sum()),
            "roc_auc": round(float(roc_auc_score(y, scores)), 4),
            "pr_auc": round(float(average_precision_score(y, scores)), 4),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runtime", choices=["torch", *FAST_RUNTIMES], default="onnx-int8")
    parser.add_argument("--head", type=Path, default=HEAD_PATH, help="a candidate head")
    parser.add_argument("--adapter", type=Path, default=ADAPTER_PATH, help="its adapter")
    parser.add_argument("--report", type=Path, default=None, help="where the JSON goes")
    args = parser.parse_args()
    out = args.report or RESULTS / f"offline_eval_{args.runtime}.json"

    test = load(args.data / "test.jsonl")
    scorer = OfflineScorer(
        threads=2, runtime=args.runtime, head_path=args.head, adapter_path=args.adapter
    )
    normalize = make_normalizer(known_words())
    texts = [normalize(t) for t in test.texts]
    started = time.monotonic()
    embeddings = cached_embeddings(
        texts, scorer.encoder.encode, f"test-{scorer.encoder.identity}-{args.runtime}"
    )
    probabilities = scorer.head.probabilities(combine(embeddings, NgramFeatures().transform(texts)))
    labels = scorer.head.labels

    everything = np.arange(len(texts))
    report = {
        "model": scorer.info.model_dump(),
        "overall": metrics_for(test, probabilities, labels, everything),
    }
    report["per_source"] = {}
    for source in sorted(set(test.sources)):
        rows = np.array([i for i, s in enumerate(test.sources) if s == source])
        report["per_source"][source] = metrics_for(test, probabilities, labels, rows)
    jigsaw = report["per_source"].get("jigsaw_toxic", {})
    aucs = [jigsaw[label]["roc_auc"] for label in JIGSAW_LABELS if label in jigsaw]
    report["jigsaw_mean_roc_auc_six_labels"] = round(float(np.mean(aucs)), 4) if aucs else None
    calibrated = scorer.head.calibrated(probabilities)
    report["calibrated_overall"] = metrics_for(test, calibrated, labels, everything)
    report["calibration"] = calibration_report(
        test, probabilities, calibrated, labels, out.parent / "reliability"
    )
    benign = policy_acts(scorer, sentences())
    threats = policy_acts(scorer, list(THREATS))
    figures = policy_acts(scorer, list(FIGURES_OF_SPEECH))
    report["benign_identity_false_positives"] = benign
    report["plain_threats_acted_on"] = threats
    report["figures_of_speech_acted_on"] = figures
    report["seconds"] = round(time.monotonic() - started, 1)

    print(f"{'source':<14} {'label':<16} {'rows':>6} {'pos':>6} {'ROC-AUC':>8} {'PR-AUC':>7}")
    for source, per_label in [("ALL", report["overall"]), *report["per_source"].items()]:
        for label, m in per_label.items():
            print(
                f"{source:<14} {label:<16} {m['rows']:>6} {m['positives']:>6} {m['roc_auc']:>8.4f} {m['pr_auc']:>7.4f}"
            )
    print(f"jigsaw_toxic mean ROC-AUC over six labels: {report['jigsaw_mean_roc_auc_six_labels']}")
    print(f"{'label':<16} {'ECE raw':>8} {'ECE calibrated':>15}")
    for label, m in report["calibration"].items():
        print(f"{label:<16} {m['ece_raw']:>8.4f} {m['ece_calibrated']:>15.4f}")
    print(
        f"benign identity mentions the default policy acts on: {benign['acted_on']}/{benign['texts']} ({benign['rate']:.1%})"
    )
    print(f"plain threats the default policy acts on: {threats['acted_on']}/{threats['texts']}")
    print(
        f"violent figures of speech it acts on: {figures['acted_on']}/{figures['texts']} "
        "(should be none)"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
