"""pulse's Kafka handlers on FastStream's in-memory broker with an in-memory Redis: scored
posts and decisions go into their windows (once each), a closed window moves the detector and
its alert is published. The flows on the real broker: tests/integration/pulse/."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import fakeredis
import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from services.contracts import topics
from services.contracts.events import (
    Action,
    CaseEvent,
    Decision,
    Language,
    ModelInfo,
    MoodWindow,
    PolicyRef,
    Post,
    PostScored,
    StrikeEvent,
    Tone,
)
from services.pulse import handlers
from services.pulse.adapters.detectors import Detectors
from services.pulse.adapters.feedback import FeedbackBook
from services.pulse.adapters.tallies import OpenWindow, Tallies
from services.pulse.config import Settings
from services.pulse.domain.detector import Tuning, Tunings
from services.pulse.domain.mood import Community, closed_window
from services.pulse.sentiment import Sentiment
from tests.unit.support import Sink

AT = datetime(2026, 12, 2, 12, 0, 30, tzinfo=UTC)
GAMES = Community("acme", "games")


@pytest.fixture
async def pulse() -> AsyncIterator[tuple[KafkaBroker, Sink, handlers.Pulse]]:
    redis = fakeredis.FakeAsyncRedis(decode_responses=True)
    broker = KafkaBroker()
    deps = handlers.Pulse(
        Tallies(redis, [60], 3),
        Detectors(redis),
        Sentiment(),
        Tunings(Tuning(warmup_windows=2), {}),
        60,
        FeedbackBook(redis, keep=100),
        "feedback",
        alerts=broker,
    )
    broker.include_router(handlers.router(Settings()))
    broker.context.set_global("pulse", deps)
    sink = Sink(broker, topics.COMMUNITY_ALERTS, topics.DEAD_LETTER)
    async with TestKafkaBroker(broker) as test_broker:
        yield test_broker, sink, deps


def scored(post_id: str, text: str, toxicity: float) -> dict:
    post = Post(post_id=post_id, tenant="acme", external_id=post_id, author_id="u",
                community="games", text=text)  # fmt: skip
    event = PostScored(post=post, scores={"toxicity": toxicity},
                       model=ModelInfo(id="m", version="1"), submitted_at=AT)  # fmt: skip
    return event.model_dump(mode="json")


async def test_posts_and_decisions_are_counted_once_in_their_window(pulse) -> None:
    broker, _, deps = pulse
    rude = scored("p1", "you are an idiot", 0.95)
    await broker.publish(rude, topics.POSTS_SCORED)
    await broker.publish(rude, topics.POSTS_SCORED)  # redelivered
    await broker.publish(
        scored("p2", "The update is terrible and slow.", 0.05), topics.POSTS_SCORED
    )
    decision = Decision(post_id="p1", tenant="acme", author_id="u", community="games",
                        action=Action.HOLD, policy=PolicyRef(id="d", version="1"), occurred_at=AT)  # fmt: skip
    await broker.publish(decision.model_dump(mode="json"), topics.DECISIONS)
    counts, samples, _ = await deps.tallies.read(OpenWindow(GAMES, 60, 1796212800))
    assert counts == {"volume": 2, "toxic": 1, "negative": 2, "civil_negative": 1, "actioned": 1}
    assert sorted(samples) == ["p1", "p2"]


async def test_a_surprising_window_publishes_a_wave_alert_once(pulse) -> None:
    broker, sink, _ = pulse
    for minute in range(3):
        calm = closed_window(GAMES, 60, 1796212800 + 60 * minute, {"volume": 50, "negative": 5}, [])
        await broker.publish(calm.model_dump(mode="json"), topics.MOOD)
    wave = closed_window(GAMES, 60, 1796212980, {"volume": 50, "negative": 40}, ["p9"])
    await broker.publish(wave.model_dump(mode="json"), topics.MOOD)
    await broker.publish(wave.model_dump(mode="json"), topics.MOOD)  # redelivered
    [alert] = sink.seen[topics.COMMUNITY_ALERTS]
    assert (alert["kind"], alert["community"], alert["samples"]) == (
        "wave_started",
        "games",
        ["p9"],
    )
    assert alert["rate"] == 0.8 and alert["baseline"] == 0.1


async def test_a_window_that_is_not_a_window_is_dead_lettered(pulse) -> None:
    broker, sink, _ = pulse
    await broker.publish({"tenant": "acme"}, topics.MOOD)
    assert [d["error_kind"] for d in sink.seen[topics.DEAD_LETTER]] == ["invalid_schema"]


def test_a_closed_window_has_a_stable_id_and_its_rates() -> None:
    counts = {"volume": 10, "toxic": 2, "negative": 4, "civil_negative": 2, "actioned": 1}
    one = closed_window(GAMES, 300, 1796212800, counts, [])
    again = closed_window(GAMES, 300, 1796212800, counts, [])
    assert one.event_id == again.event_id and isinstance(one, MoodWindow)
    assert (one.ends_at - one.starts_at).total_seconds() == 300


async def test_strikes_rank_the_windows_authors(pulse) -> None:
    broker, _, deps = pulse

    def strike(n: int, author: str, removed: bool = False) -> dict:
        event = StrikeEvent(strike_id=f"s{n}", tenant="acme", community="games",
                            author_id=author, post_id=f"p{n}", removed=removed, occurred_at=AT)  # fmt: skip
        return event.model_dump(mode="json")

    for n, author in enumerate(["ann", "bob", "ann", "cy", "ann"]):
        await broker.publish(strike(n, author), topics.STRIKES)
    await broker.publish(strike(1, "bob", removed=True), topics.STRIKES)  # overturned
    await broker.publish(strike(0, "ann"), topics.STRIKES)  # redelivered
    counts, _, top = await deps.tallies.read(OpenWindow(GAMES, 60, 1796212800))
    assert counts == {"strikes": 4}  # five given, one taken back
    assert top[:2] == [("ann", 3), ("cy", 1)]
    window = closed_window(GAMES, 60, 1796212800, counts, [], top)
    assert [(a.author_id, a.strikes) for a in window.top_authors] == [("ann", 3), ("cy", 1)]


async def test_civil_criticism_and_feedback_cases_are_kept_once_for_the_digest(pulse) -> None:
    broker, _, deps = pulse
    civil = scored("p1", "The update is terrible and slow.", 0.05)
    await broker.publish(civil, topics.POSTS_SCORED)
    await broker.publish(scored("p2", "you are an idiot", 0.95), topics.POSTS_SCORED)  # toxic
    await broker.publish(scored("p3", "Great update, thanks!", 0.01), topics.POSTS_SCORED)
    post = PostScored.model_validate(civil).post
    for case_id, queue, routed in (("c1", "feedback", post), ("c2", "general", post.model_copy(
        update={"post_id": "p4"}))):  # fmt: skip
        opened = CaseEvent(case_id=case_id, post_id=routed.post_id, tenant="acme",
                           author_id="u", community="games", kind="opened", queue=queue,
                           actor="system", post=routed, occurred_at=AT)  # fmt: skip
        await broker.publish(opened.model_dump(mode="json"), topics.CASE_EVENTS)
    kept = await deps.feedback.between(GAMES, 0, AT.timestamp() + 1, most=10)
    assert [(r.post_id, r.text) for r in kept] == [("p1", "The update is terrible and slow.")]


def scored_in(post_id: str, text: str, language: str, tone: Tone | None) -> dict:
    event = PostScored.model_validate(scored(post_id, text, 0.02))
    read = Language(code=language, confidence=0.99, source="detected")
    return event.model_copy(update={"language": read, "tone": tone}).model_dump(mode="json")


async def test_a_post_takes_the_classifiers_tone_or_english_reads_it_or_it_stays_unread(
    pulse,
) -> None:
    broker, _, deps = pulse
    complaint = "Die Rückerstattung dauert schon drei Wochen, sehr enttäuschend."
    await broker.publish(
        scored_in("de1", complaint, "de", Tone(negative=0.8, positive=0.05)), topics.POSTS_SCORED
    )
    # a Swedish post no model read the tone of: the lexicon would read it as neutral, wrongly
    await broker.publish(
        scored_in("sv1", "Jag är besviken, appen kraschar hela tiden.", "sv", None),
        topics.POSTS_SCORED,
    )
    await broker.publish(
        scored_in("en1", "The update is terrible and slow.", "en", None), topics.POSTS_SCORED
    )
    counts, _, _ = await deps.tallies.read(OpenWindow(GAMES, 60, 1796212800))
    assert counts == {"volume": 3, "negative": 2, "civil_negative": 2, "tone_unread": 1}
    kept = await deps.feedback.between(GAMES, 0, AT.timestamp() + 1, most=10)
    assert sorted((r.post_id, r.language) for r in kept) == [("de1", "de"), ("en1", "en")]
