"""The micro-batcher: HTTP and Kafka callers submit texts, inference runs on full-ish batches.

A round closes when `max_batch` texts are waiting or `max_wait_ms` after its first text arrived;
whatever else is already queued joins it (up to `max_round` texts). The round is then sorted by
length and cut into batches of `max_batch`, so texts of similar length share a batch and padding
stays small. Inference runs in one worker thread, one batch at a time: the event loop never blocks.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from services.classifier import metrics
from services.classifier.scoring import (
    LengthFn,
    ScoreFn,
    Unscorable,
    char_lengths,
    length_buckets,
    score_isolating_failures,
)


@dataclass
class _Item:
    text: str
    future: asyncio.Future


class MicroBatcher:
    def __init__(
        self,
        score: ScoreFn,
        max_batch: int,
        max_wait_ms: int,
        max_round: int | None = None,
        lengths: LengthFn = char_lengths,
    ) -> None:
        self._score = score
        self._lengths = lengths
        self.max_batch = max_batch
        self.max_round = max_round or max_batch * 8
        self.max_wait = max_wait_ms / 1000
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inference")
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="micro-batcher")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._executor.shutdown(wait=True)

    async def score(self, texts: list[str], source: str) -> list[dict[str, float] | Unscorable]:
        loop = asyncio.get_running_loop()
        items = [_Item(text, loop.create_future()) for text in texts]
        for item in items:
            self._queue.put_nowait(item)
        metrics.QUEUE_DEPTH.set(self._queue.qsize())
        results = await asyncio.gather(*(item.future for item in items))
        metrics.TEXTS_SCORED.labels(source).inc(len(texts))
        return list(results)

    async def _next_batch(self) -> list[_Item]:
        batch = [await self._queue.get()]
        deadline = time.monotonic() + self.max_wait
        while len(batch) < self.max_batch:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                batch.append(await asyncio.wait_for(self._queue.get(), remaining))
            except TimeoutError:
                break
        while len(batch) < self.max_round and not self._queue.empty():
            batch.append(self._queue.get_nowait())
        metrics.QUEUE_DEPTH.set(self._queue.qsize())
        return batch

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = await self._next_batch()
            texts = [item.text for item in batch]
            started = time.perf_counter()
            try:
                results = await loop.run_in_executor(self._executor, self._score_bucketed, texts)
            except Exception as error:  # the whole batch failed even one by one
                results = [Unscorable(repr(error))] * len(batch)
            metrics.INFERENCE_SECONDS.observe(time.perf_counter() - started)
            for item, result in zip(batch, results, strict=True):
                if not item.future.done():
                    item.future.set_result(result)

    def _score_bucketed(self, texts: list[str]) -> list[dict[str, float] | Unscorable]:
        results: list[dict[str, float] | Unscorable] = [Unscorable("not scored")] * len(texts)
        for bucket in length_buckets(self._lengths(texts), self.max_batch):
            metrics.BATCH_SIZE.observe(len(bucket))
            scored = score_isolating_failures(self._score, [texts[i] for i in bucket])
            for index, result in zip(bucket, scored, strict=True):
                results[index] = result
        return results
