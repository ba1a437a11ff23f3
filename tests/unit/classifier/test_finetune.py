"""The fine-tuning experiment's targets: labels a row does not carry are masked, not negative."""

from __future__ import annotations

from services.classifier.offline.data import Dataset
from services.classifier.offline.finetune import LABELS, targets


def test_absent_labels_are_masked_and_present_ones_thresholded_at_a_half() -> None:
    data = Dataset(["a", "b"], [{"toxicity": 0.7}, {"toxicity": 0.2, "threat": 1.0}], ["x", "y"])
    y, known = targets(data)
    toxicity, threat = LABELS.index("toxicity"), LABELS.index("threat")
    assert (y[0, toxicity], known[0, toxicity], known[0, threat]) == (1.0, 1.0, 0.0)
    assert (y[1, toxicity], y[1, threat], known[1, threat]) == (0.0, 1.0, 1.0)
    assert known.sum() == 3
