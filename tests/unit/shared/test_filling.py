"""A per-post group's fetches are left to fill only while records come fast enough that the
wait brings more; slower, or idle, they are answered by the first record as before. The wait is
what brings a batch at the current rate, up to the longest allowed."""

from __future__ import annotations

from types import SimpleNamespace

from services.shared.consumer import FILL_BYTES, Fill, Filling

FILL = Fill(wait_ms=200, idle_wait_ms=500, records=8)


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


def test_ten_posts_a_second_are_answered_at_once() -> None:
    c = consumer()
    feed(Filling(c, FILL), per_second=10, seconds=5)  # the longest wait would bring 2 posts
    assert fetch_settings(c) == (1, 500)


def test_thirty_posts_a_second_wait_the_longest_and_an_idle_consumer_stops_filling() -> None:
    c = consumer()
    filling = Filling(c, FILL)
    stopped = feed(filling, per_second=30, seconds=3)  # 8 would take 267 ms
    assert fetch_settings(c) == (FILL_BYTES, 200)
    filling.handed_over(0, stopped + 1.0)  # an empty poll: a second with nothing
    assert fetch_settings(c) == (1, 500)


def test_a_busier_group_waits_less_for_the_same_batch() -> None:
    c = consumer()
    filling = Filling(c, FILL)
    feed(filling, per_second=100, seconds=3)
    assert fetch_settings(c)[0] == FILL_BYTES and 78 <= fetch_settings(c)[1] <= 81
    feed(filling, per_second=400, seconds=3, start=3.0)
    assert fetch_settings(c)[0] == FILL_BYTES and 19 <= fetch_settings(c)[1] <= 21


def test_batches_count_every_record_they_hold() -> None:
    c = consumer()
    filling = Filling(c, FILL)
    for tick in range(1, 40):  # seven records every 100 ms: 70 a second
        filling.handed_over(7, tick * 0.1)
    assert fetch_settings(c)[0] == FILL_BYTES
    assert 110 <= fetch_settings(c)[1] <= 118  # 8 records at 70 a second: 114 ms


def test_one_filling_per_consumer() -> None:
    c = consumer()
    assert Filling.of(c, FILL) is Filling.of(c, FILL)  # type: ignore[arg-type]


def test_a_group_reading_two_records_a_post_waits_as_long_as_one_reading_one() -> None:
    one, two = consumer(), consumer()
    feed(Filling(one, FILL), per_second=100, seconds=3)
    feed(Filling(two, Fill(wait_ms=200, idle_wait_ms=500, records=8, per_post=2)), 200, 3)
    assert fetch_settings(one)[0] == fetch_settings(two)[0] == FILL_BYTES
    assert 78 <= fetch_settings(one)[1] <= 81 and 78 <= fetch_settings(two)[1] <= 81
    quiet = consumer()  # 10 posts a second, two records each: answered at once
    feed(Filling(quiet, Fill(wait_ms=200, idle_wait_ms=500, records=8, per_post=2)), 20, 3)
    assert fetch_settings(quiet) == (1, 500)


def test_two_records_handed_over_together_do_not_make_a_quiet_group_fill() -> None:
    c = consumer()
    filling = Filling(c, FILL)
    at = feed(filling, per_second=10, seconds=3)
    filling.handed_over(2, at + 0.01)  # held up, then handed over together
    filling.handed_over(1, at + 0.02)
    assert fetch_settings(c) == (1, 500)


def test_a_rush_after_a_quiet_spell_waits_for_its_rate_not_the_longest_wait() -> None:
    c = consumer()
    filling = Filling(c, FILL)
    filling.handed_over(0, 10.0)  # a quiet spell ends
    feed(filling, per_second=100, seconds=0.4, start=10.0)
    assert fetch_settings(c)[0] == FILL_BYTES and 78 <= fetch_settings(c)[1] <= 82
