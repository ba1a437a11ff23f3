"""Fine-tuning: masked targets, the epochs' batches and the learning-rate schedule."""

from __future__ import annotations

import numpy as np

from training.data import Dataset
from training.finetune import (
    BATCH,
    LABELS,
    epoch_batches,
    learning_rate,
    targets,
)


def test_absent_labels_are_masked_and_present_ones_thresholded_at_a_half() -> None:
    data = Dataset(["a", "b"], [{"toxicity": 0.7}, {"toxicity": 0.2, "threat": 1.0}], ["x", "y"])
    y, known = targets(data)
    toxicity, threat = LABELS.index("toxicity"), LABELS.index("threat")
    assert (y[0, toxicity], known[0, toxicity], known[0, threat]) == (1.0, 1.0, 0.0)
    assert (y[1, toxicity], y[1, threat], known[1, threat]) == (0.0, 1.0, 1.0)
    assert known.sum() == 3


def test_an_epoch_draws_as_many_rows_as_the_fit_in_batches_of_similar_length() -> None:
    fit = np.arange(1000)
    lengths = np.random.default_rng(0).integers(5, 96, size=1000)
    batches = epoch_batches(fit, np.ones(1000), lengths, epoch=0)
    assert sum(len(b) for b in batches) == 1000
    assert max(len(b) for b in batches) == BATCH
    spread = np.mean([lengths[b].max() - lengths[b].min() for b in batches])
    random_spread = np.mean([np.ptp(lengths[b]) for b in np.array_split(fit, len(batches))])
    assert spread < random_spread / 3


def test_epochs_are_seeded_alike_across_runs_and_differ_from_each_other() -> None:
    fit, lengths = np.arange(200), np.arange(200) % 50
    first = epoch_batches(fit, np.ones(200), lengths, epoch=1)
    again = epoch_batches(fit, np.ones(200), lengths, epoch=1)
    other = epoch_batches(fit, np.ones(200), lengths, epoch=2)
    assert all((a == b).all() for a, b in zip(first, again, strict=True))
    assert not all(len(a) == len(b) and (a == b).all() for a, b in zip(first, other, strict=False))


def test_weighted_rows_are_drawn_more_often() -> None:
    fit = np.arange(100)
    weights = np.where(fit < 10, 4.0, 1.0)
    drawn = np.concatenate(epoch_batches(fit, weights, np.zeros(100, int), epoch=0))
    assert (drawn < 10).mean() > 0.2  # 40 / 130 expected, 10 % unweighted


def test_the_learning_rate_warms_up_then_decays_to_zero() -> None:
    total = 1000
    assert learning_rate(0, total) < learning_rate(99, total)
    assert learning_rate(99, total) > learning_rate(500, total) > learning_rate(999, total)
    assert learning_rate(total, total) == 0.0
