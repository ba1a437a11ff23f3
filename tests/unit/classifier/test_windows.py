"""Long posts: the offline encoder reads them in several windows of MAX_TOKENS, not just the
first one, so what is said late in a long post still reaches the embedding; and the maximum
of the tokens' states sits beside their mean, so one sentence in a long post is not diluted."""

from __future__ import annotations

import numpy as np
import pytest

from services.classifier.offline.features import MAX_TOKENS, SentenceEncoder

CALM = "The committee met on Tuesday to review the budget for the new library wing. "
LATE = "I will find you and hurt you, you worthless idiot."


@pytest.fixture(scope="module")
def encoders() -> tuple[SentenceEncoder, SentenceEncoder]:
    one = SentenceEncoder(threads=1, runtime="torch")
    return one, SentenceEncoder(threads=1, runtime="torch", windows=4)


def test_a_short_post_gets_the_same_embedding_read_in_windows(encoders) -> None:
    one, four = encoders
    texts = ["thanks for the quick fix", CALM + LATE]
    assert np.allclose(one.encode(texts), four.encode(texts), atol=1e-5)


def test_what_a_long_post_says_after_the_first_window_moves_its_embedding(encoders) -> None:
    one, four = encoders
    calm, late = CALM * 12, CALM * 12 + LATE  # the first window is all calm
    assert np.allclose(one.encode([calm]), one.encode([late]), atol=1e-5)
    assert float(four.encode([calm])[0] @ four.encode([late])[0]) < 0.999


def test_at_most_the_given_number_of_windows_each_opening_with_cls(encoders) -> None:
    _, four = encoders
    encoded, owner = four.windows_of(["short one", CALM * 60, "another short one"])
    assert np.bincount(owner).tolist() == [1, 4, 1]
    assert encoded["attention_mask"].sum(1).max() <= MAX_TOKENS
    cls = four.tokenizer([""])["input_ids"][0][0]  # an empty text is [CLS] [SEP]
    assert (encoded["input_ids"][:, 0] == cls).all()


def test_a_long_post_costs_the_tokens_of_the_windows_read(encoders) -> None:
    one, four = encoders
    assert one.lengths([CALM * 60]) == [MAX_TOKENS]
    assert four.lengths([CALM * 60]) == [4 * MAX_TOKENS]
    assert four.lengths(["thanks"]) == one.lengths(["thanks"])


@pytest.fixture(scope="module")
def pooled() -> SentenceEncoder:
    return SentenceEncoder(threads=1, runtime="torch", windows=4, pooling=("mean", "max"))


def test_the_max_pooled_embedding_sits_beside_the_unchanged_mean_one(encoders, pooled) -> None:
    _, four = encoders
    texts = ["thanks for the quick fix", CALM * 12 + LATE]
    both = pooled.encode(texts)
    assert both.shape == (2, 2 * four.dim) and pooled.dim == 2 * four.dim
    assert np.allclose(both[:, : four.dim], four.encode(texts), atol=1e-5)
    assert np.allclose(np.linalg.norm(both[:, four.dim :], axis=1), 1.0, atol=1e-5)


def test_a_late_threat_in_a_long_post_is_diluted_in_the_mean_but_not_in_the_max(pooled) -> None:
    half = pooled.hidden_size
    calm, late = pooled.encode([CALM * 30, CALM * 30 + LATE])  # ~480 tokens, four windows
    mean_moved, max_moved = 1 - calm[:half] @ late[:half], 1 - calm[half:] @ late[half:]
    assert max_moved > mean_moved + 0.01


def test_an_unknown_pooling_is_refused() -> None:
    with pytest.raises(ValueError, match="pooling"):
        SentenceEncoder(threads=1, runtime="torch", pooling=("cls",))
