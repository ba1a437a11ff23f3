from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.classifier.batching import MicroBatcher
from services.classifier.domain.scoring import (
    BATCH_OVERHEAD_TOKENS,
    Unscorable,
    length_buckets,
    score_isolating_failures,
)


def fake_score(texts: Sequence[str]) -> list[dict[str, float]]:
    if any("BOOM" in t for t in texts):
        raise ValueError("model cannot handle this")
    return [{"toxicity": len(t) / 100} for t in texts]


def test_length_buckets_group_similar_lengths() -> None:
    lengths = [50, 1, 30, 2, 40, 3]
    buckets = length_buckets(lengths, 2)
    assert [[lengths[i] for i in b] for b in buckets] == [[1, 2], [3, 30], [40, 50]]
    assert sorted(i for b in buckets for i in b) == list(range(6))


def test_a_long_text_gets_a_batch_of_its_own_rather_than_padding_the_rest() -> None:
    lengths = [10] * 15 + [200]
    buckets = length_buckets(lengths, 16)
    assert [len(b) for b in buckets] == [15, 1]
    assert buckets[1] == [15]


def test_texts_of_one_length_fill_whole_batches() -> None:
    buckets = length_buckets([12] * 40, 16)
    assert sorted(len(b) for b in buckets) == [8, 16, 16]


@given(st.lists(st.integers(min_value=1, max_value=512), max_size=300), st.integers(1, 32))
def test_buckets_cover_every_text_once_and_never_pad_more_than_fixed_chunks(
    lengths: list[int], size: int
) -> None:
    buckets = length_buckets(lengths, size)
    assert sorted(i for b in buckets for i in b) == list(range(len(lengths)))
    assert all(1 <= len(b) <= size for b in buckets)
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    chunks = [order[i : i + size] for i in range(0, len(order), size)]

    def cost(batches: list[list[int]]) -> int:
        return sum(max(lengths[i] for i in b) * len(b) + BATCH_OVERHEAD_TOKENS for b in batches)

    assert cost(buckets) <= cost(chunks)


def test_a_failing_text_fails_alone() -> None:
    results = score_isolating_failures(fake_score, ["ok", "BOOM", "fine"])
    assert results[0] == {"toxicity": 0.02}
    assert isinstance(results[1], Unscorable)
    assert results[2] == {"toxicity": 0.04}


class RecordingScorer:
    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.batches.append(list(texts))
        return fake_score(texts)


@pytest.mark.asyncio
async def test_concurrent_callers_share_batches_and_get_their_own_results() -> None:
    scorer = RecordingScorer()
    batcher = MicroBatcher(scorer, max_batch=8, max_wait_ms=50)
    batcher.start()
    try:
        calls = [batcher.score([f"text {i}", "x" * i], source="test") for i in range(4)]
        results = await asyncio.gather(*calls)
    finally:
        await batcher.stop()
    assert [r[1] for r in results] == [{"toxicity": i / 100} for i in range(4)]
    assert len(scorer.batches) == 1 and len(scorer.batches[0]) == 8


@pytest.mark.asyncio
async def test_batches_close_at_max_size() -> None:
    scorer = RecordingScorer()
    batcher = MicroBatcher(scorer, max_batch=3, max_wait_ms=1000)
    batcher.start()
    try:
        await asyncio.wait_for(batcher.score([f"t{i}" for i in range(7)], source="test"), timeout=5)
    finally:
        await batcher.stop()
    assert sorted(len(b) for b in scorer.batches) == [1, 3, 3]


@pytest.mark.asyncio
async def test_an_unscorable_text_does_not_fail_its_neighbours() -> None:
    batcher = MicroBatcher(fake_score, max_batch=8, max_wait_ms=5)
    batcher.start()
    try:
        results = await batcher.score(["fine", "BOOM", "also fine"], source="test")
    finally:
        await batcher.stop()
    assert isinstance(results[1], Unscorable)
    assert results[0] == {"toxicity": 0.04} and results[2] == {"toxicity": 0.09}


@pytest.mark.asyncio
async def test_a_round_is_cut_into_batches_of_similar_length() -> None:
    scorer = RecordingScorer()
    batcher = MicroBatcher(scorer, max_batch=2, max_wait_ms=20)
    batcher.start()
    try:
        texts = ["x" * 50, "y", "z" * 30, "w" * 2]
        results = await batcher.score(texts, source="test")
    finally:
        await batcher.stop()
    assert sorted([len(t) for t in batch] for batch in scorer.batches) == [[1, 2], [30, 50]]
    assert results == [{"toxicity": len(t) / 100} for t in texts]  # each caller gets its own back


class ConcurrencyScorer:
    """Records how many batches were being scored at the same moment."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = self.most = 0

    def __call__(self, texts: Sequence[str]) -> list[dict[str, float]]:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        return fake_score(texts)


@pytest.mark.asyncio
@pytest.mark.parametrize("streams", [1, 2])
async def test_streams_bound_how_many_batches_are_scored_at_once(streams: int) -> None:
    scorer = ConcurrencyScorer()
    batcher = MicroBatcher(scorer, max_batch=2, max_wait_ms=20, streams=streams)
    batcher.start()
    try:
        texts = ["a" * n for n in range(1, 9)]
        results = await batcher.score(texts, source="test")
    finally:
        await batcher.stop()
    assert scorer.most == streams
    assert results == [{"toxicity": len(t) / 100} for t in texts]
