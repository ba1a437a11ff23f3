"""Fitting a site's Perspective score map (pure): per attribute, a monotone curve from our
scores to Perspective's scale that keeps the share of comments above every threshold what it
was, and the report that says how well it does.

The curve is quantile matching: the q-th quantile of our scores goes to the q-th quantile of
Perspective's, at KNOTS evenly spread quantiles, linear between. Any monotone map keeps our
ranking; this one also keeps the site's flag rates, which is what a threshold tuned on
Perspective ("hold above 0.8") means.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import spearmanr

from services.contracts.events import ScoreCurve

KNOTS = 101
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
REVIEW_MOST = 50  # comments that change side at the site's threshold, listed for review


def fit_curve(ours: np.ndarray, theirs: np.ndarray, knots: int = KNOTS) -> ScoreCurve:
    quantiles = np.linspace(0.0, 1.0, knots)
    xs = np.round(np.quantile(ours, quantiles), 6)
    ys = np.round(np.quantile(theirs, quantiles), 6)
    # many comments share a score (a model's floor): one knot per score, the highest quantile's
    last = np.r_[xs[1:] != xs[:-1], True]
    xs, ys = xs[last], ys[last]
    if len(xs) == 1:  # every comment scored the same: a flat map at their median
        xs, ys = np.array([0.0, 1.0]), np.repeat(np.median(theirs), 2)
    return ScoreCurve(ours=xs.clip(0, 1).tolist(), theirs=ys.clip(0, 1).tolist())


def mapped(curve: ScoreCurve, ours: np.ndarray) -> np.ndarray:
    return np.interp(ours, curve.ours, curve.theirs)


@dataclass(frozen=True)
class AttributeReport:
    attribute: str
    comments: int
    rank_agreement: float  # Spearman's rho between our scores and Perspective's
    flagged: dict[str, dict[str, float]]  # threshold -> then, now raw, now mapped (shares)
    changed_side: int  # at the site's threshold, mapped against Perspective's answer
    review: list[dict]  # the first REVIEW_MOST of them

    def worst_gap(self) -> float:
        """The largest gap, in points, between then and now mapped over THRESHOLDS."""
        return max(abs(f["then"] - f["mapped"]) * 100 for f in self.flagged.values())


def report(
    attribute: str,
    texts: list[str],
    ours: np.ndarray,
    theirs: np.ndarray,
    curve: ScoreCurve,
    threshold: float,
) -> AttributeReport:
    after = mapped(curve, ours)
    flagged = {
        f"{t:.1f}": {
            "then": round(float((theirs >= t).mean()), 4),
            "now_raw": round(float((ours >= t).mean()), 4),
            "mapped": round(float((after >= t).mean()), 4),
        }
        for t in THRESHOLDS
    }
    moved = np.flatnonzero((theirs >= threshold) != (after >= threshold))
    review = [
        {"text": texts[i][:200], "perspective": round(float(theirs[i]), 4),
         "ours": round(float(ours[i]), 4), "mapped": round(float(after[i]), 4)}
        for i in moved[:REVIEW_MOST]
    ]  # fmt: skip
    rho = spearmanr(ours, theirs).statistic if len(ours) > 2 else float("nan")
    return AttributeReport(attribute, len(ours), round(float(rho), 4), flagged, len(moved), review)
