"""The Perspective score map's fit: on a synthetic history (our scores through a known monotone
distortion, plus noise) the mapped scores flag the history's share at every threshold within one
point, on the comments it was fitted on and on others from the same site; the curve a platform
publishes is checked for being a monotone map of [0, 1]."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from services.contracts.events import ScoreCurve
from training.migrate_perspective import read_history
from training.perspective_map import THRESHOLDS, fit_curve, mapped, report


def site(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ours = rng.beta(0.6, 2.5, n)  # most comments harmless, a long toxic tail
    theirs = np.clip(np.sqrt(ours) * 0.9 + 0.05 + rng.normal(0, 0.03, n), 0, 1)
    return ours, theirs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_map_keeps_the_flag_rates_within_one_point(seed: int) -> None:
    ours, theirs = site(5_000, seed)
    curve = fit_curve(ours, theirs)
    found = report("TOXICITY", ["x"] * len(ours), ours, theirs, curve, 0.8)
    assert found.worst_gap() <= 1.0
    assert max(abs(f["then"] - f["now_raw"]) for f in found.flagged.values()) > 0.1  # it mattered
    fresh_ours, fresh_theirs = site(5_000, seed + 100)  # the same site, comments not fitted on
    after = mapped(curve, fresh_ours)
    for t in THRESHOLDS:
        assert abs((after >= t).mean() - (fresh_theirs >= t).mean()) <= 0.01


def test_a_floor_of_equal_scores_still_gives_a_monotone_curve() -> None:
    ours = np.r_[np.full(600, 0.01), np.linspace(0.02, 1.0, 400)]
    theirs = np.r_[np.linspace(0.0, 0.2, 600), np.linspace(0.3, 1.0, 400)]
    curve = fit_curve(ours, theirs)
    assert curve.ours == sorted(set(curve.ours)) and curve.theirs == sorted(curve.theirs)
    assert fit_curve(np.full(50, 0.3), theirs[:50]).ours == [0.0, 1.0]


def test_the_report_lists_who_changes_side() -> None:
    ours = np.array([0.1, 0.5, 0.9])
    theirs = np.array([0.1, 0.9, 0.7])
    curve = ScoreCurve(ours=[0.0, 1.0], theirs=[0.0, 1.0])
    found = report("INSULT", ["a", "b", "c"], ours, theirs, curve, 0.8)
    assert found.changed_side == 2 and [r["text"] for r in found.review] == ["b", "c"]


@pytest.mark.parametrize(
    ("ours", "theirs", "problem"),
    [
        ([0.0, 0.5, 0.5], [0.0, 0.5, 1.0], "strictly increasing"),
        ([0.0, 1.0], [0.6, 0.4], "never decreasing"),
        ([0.0, 1.0], [0.0, 1.2], "between 0 and 1"),
        ([0.0, 1.0], [0.0, 0.5, 1.0], "as many knots"),
    ],
)
def test_a_curve_that_is_not_a_monotone_map_is_refused(ours, theirs, problem) -> None:
    with pytest.raises(ValidationError, match=problem):
        ScoreCurve(ours=ours, theirs=theirs)


def test_a_curve_is_linear_between_knots_and_flat_beyond() -> None:
    curve = ScoreCurve(ours=[0.2, 0.6], theirs=[0.4, 0.8])
    assert [curve.value(s) for s in (0.0, 0.4, 1.0)] == pytest.approx([0.4, 0.6, 0.8])


def test_the_history_is_read_from_csv_and_jsonl(tmp_path) -> None:
    (tmp_path / "a.csv").write_text("text,toxicity,Insult\nhello,0.1,\nyou idiot,0.9,0.8\n")
    texts, scores = read_history(tmp_path / "a.csv")
    assert texts == ["hello", "you idiot"]
    assert scores == {"TOXICITY": [0.1, 0.9], "INSULT": [None, 0.8]}
    (tmp_path / "b.jsonl").write_text('{"text": "x", "THREAT": 2}\n')
    with pytest.raises(SystemExit, match="between 0 and 1"):
        read_history(tmp_path / "b.jsonl")


async def test_the_kit_waits_out_the_rate_limit_as_the_gateway_says() -> None:
    """Logic only (a scripted transport): a 429 is asked again after its Retry-After, and a
    refusal (400) is no score, not an error."""
    import httpx

    from training.migrate_perspective import our_scores

    answers = iter([429, 200, 400])
    waits: list[str] = []

    def reply(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        if status == 429:
            waits.append("0")
            return httpx.Response(429, headers={"Retry-After": "0"})
        if status == 400:
            return httpx.Response(400, json={"error": {"code": 400}})
        assert request.headers["X-Score-Map"] == "none"
        return httpx.Response(
            200, json={"attributeScores": {"TOXICITY": {"summaryScore": {"value": 0.4}}}}
        )

    transport = httpx.MockTransport(reply)
    async with httpx.AsyncClient(base_url="http://gateway", transport=transport) as client:
        found = await our_scores(client, ["first"], ["TOXICITY"])
        refused = await our_scores(client, ["second"], ["TOXICITY"])
    assert found == [{"TOXICITY": 0.4}] and refused == [None] and waits == ["0"]
