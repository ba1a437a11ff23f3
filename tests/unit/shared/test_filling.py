"""A per-post group's fetches are left to fill only while records come fast enough that the
wait brings more; slower, or idle, they are answered by the first record as before."""

from __future__ import annotations

from types import SimpleNamespace

from services.shared.consumer import FILL_BYTES, Fill, Filling

FILL = Fill(wait_ms=50, idle_wait_ms=500)


class Consumer:
    """Only what `Filling` touches: the fetcher's settings for its next request."""

    def __init__(self) -> None:
        self._fetcher = SimpleNamespace(_fetch_min_bytes=1, _fetch_max_wait_ms=500)


def consumer() -> Consumer:
    return Consumer()


def feed(filling: Filling, per_second: float, seconds: float, start: float = 0.0) -> float:
    """One record at a time at `per_second`; returns when it stopped."""
    at, step = start, 1 / per_second
    while at < start + seconds:
        at += step
        filling.handed_over(1, at)
    return at


def fetch_settings(c: Consumer) -> tuple[int, int]:
    return c._fetcher._fetch_min_bytes, c._fetcher._fetch_max_wait_ms


def test_thirty_posts_a_second_are_answered_at_once() -> None:
    c = consumer()
    feed(Filling(c, FILL), per_second=30, seconds=5)  # a 50 ms wait would bring 1.5 posts
    assert fetch_settings(c) == (1, 500)


def test_sixty_posts_a_second_fill_and_an_idle_consumer_stops_filling() -> None:
    c = consumer()
    filling = Filling(c, FILL)
    stopped = feed(filling, per_second=60, seconds=3)
    assert fetch_settings(c) == (FILL_BYTES, 50)
    filling.handed_over(0, stopped + 1.0)  # an empty poll: a second with nothing
    assert fetch_settings(c) == (1, 500)


def test_batches_count_every_record_they_hold() -> None:
    c = consumer()
    filling = Filling(c, FILL)
    for tick in range(1, 40):  # seven records every 100 ms: 70 a second
        filling.handed_over(7, tick * 0.1)
    assert fetch_settings(c) == (FILL_BYTES, 50)


def test_one_filling_per_consumer() -> None:
    c = consumer()
    assert Filling.of(c, FILL) is Filling.of(c, FILL)  # type: ignore[arg-type]
