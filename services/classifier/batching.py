"""The micro-batcher: HTTP and Kafka callers submit texts, inference runs on full-ish batches.

A round closes when `max_batch` texts are waiting or `max_wait_ms` after its first text arrived;
whatever else is already queued joins it (up to `max_round` texts). The round is then sorted by
length and split into batches of at most `max_batch` (scoring.length_buckets), so texts of
similar length share a batch and padding stays small. Inference runs in `streams` worker threads,
a batch each (one by default): the event loop never blocks.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from services.classifier import metrics
from services.classifier.domain.scoring import (
    BATCH_OVERHEAD_TOKENS,
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
        streams: int = 1,
        batch_overhead: int = BATCH_OVERHEAD_TOKENS,
    ) -> None:
        self._score = score
        self._lengths = lengths
        self.max_batch = max_batch
        self.max_round = max_round or max_batch * 8
        self.max_wait = max_wait_ms / 1000
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self.streams = streams
        self.batch_overhead = batch_overhead
        self._executor = ThreadPoolExecutor(max_workers=streams, thread_name_prefix="inference")
        self._task: asyncio.Task | None = None
        self._rounds: set[asyncio.Task] = set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="micro-batcher")

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._rounds) if t]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._executor.shutdown(wait=True)

    async def score(self, texts: list[str], source: str) -> list[dict[str, float] | Unscorable]:
        loop = asyncio.get_running_loop()
        items = [_Item(text, loop.create_future()) for text in texts]
        for item in items:
            self._queue.put_nowait(item)
        metrics.QUEUE_DEPTH.inc(len(items))  # one gauge over every model's batcher
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
        metrics.QUEUE_DEPTH.dec(len(batch))
        return batch

    async def _run(self) -> None:
        # Up to `streams` rounds in flight: the next round's batches queue up behind this one's
        # last, so no stream idles while the longest batch of a round finishes.
        in_flight = asyncio.Semaphore(self.streams)
        while True:
            await in_flight.acquire()
            task = asyncio.create_task(self._finish(await self._next_batch()))
            self._rounds.add(task)
            task.add_done_callback(self._rounds.discard)
            task.add_done_callback(lambda _: in_flight.release())

    async def _finish(self, batch: list[_Item]) -> None:
        texts = [item.text for item in batch]
        started = time.perf_counter()
        try:
            results = await self._score_round(texts)
        except Exception as error:  # the whole round failed even one by one
            results = [Unscorable(repr(error))] * len(batch)
        metrics.INFERENCE_SECONDS.observe(time.perf_counter() - started)
        for item, result in zip(batch, results, strict=True):
            if not item.future.done():
                item.future.set_result(result)

    async def _score_round(self, texts: list[str]) -> list[dict[str, float] | Unscorable]:
        loop = asyncio.get_running_loop()
        buckets = await loop.run_in_executor(self._executor, self._buckets, texts)
        scored = await asyncio.gather(
            *(
                loop.run_in_executor(self._executor, self._score_bucket, [texts[i] for i in bucket])
                for bucket in buckets
            )
        )
        results: list[dict[str, float] | Unscorable] = [Unscorable("not scored")] * len(texts)
        for bucket, bucket_results in zip(buckets, scored, strict=True):
            for index, result in zip(bucket, bucket_results, strict=True):
                results[index] = result
        return results

    def _buckets(self, texts: list[str]) -> list[list[int]]:
        # Longest batches first: with several streams the short ones then fill in at the end.
        return length_buckets(self._lengths(texts), self.max_batch, self.batch_overhead)[::-1]

    def _score_bucket(self, texts: list[str]) -> list[dict[str, float] | Unscorable]:
        metrics.BATCH_SIZE.observe(len(texts))
        return score_isolating_failures(self._score, texts)
