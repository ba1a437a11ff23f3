"""pulse's Kafka handlers: scored posts, decisions and strikes go into their community's open
windows; civil criticism and cases opened in the feedback queue are kept for the digest;
closed windows (its own mood topic) move the community's wave detector."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from faststream.kafka import KafkaBroker, KafkaRouter

from services.contracts import topics
from services.contracts.events import (
    Action,
    CaseEvent,
    CaseEventKind,
    Decision,
    MoodWindow,
    PostScored,
    StrikeEvent,
)
from services.pulse import metrics
from services.pulse.adapters.detectors import Detectors
from services.pulse.adapters.feedback import FeedbackBook
from services.pulse.adapters.tallies import Observation, OpenWindow, Tallies
from services.pulse.config import Settings
from services.pulse.domain.detector import Phase, Tunings
from services.pulse.domain.mood import Community, counts_of
from services.pulse.domain.signal import Signal, lexicon_reads, signal_of, signal_read
from services.pulse.domain.themes import Remark
from services.pulse.domain.watch import watch
from services.pulse.sentiment import Sentiment
from services.shared.budget import Overdue, within_budget
from services.shared.kafka import (
    Context,
    KafkaMessage,
    batch_subscriber,
    dead_letter,
    decode_records,
    publish_all,
    records_of,
)

SERVICE = "pulse"


@dataclass
class Pulse:
    tallies: Tallies
    detectors: Detectors
    sentiment: Sentiment
    tunings: Tunings
    watched_seconds: int  # the window length the detector watches
    feedback: FeedbackBook
    feedback_queue: str  # cases opened there are civil criticism, whatever their tone
    post_budget_seconds: float = 2.0  # a post's tone not read by then is dead-lettered


Deps = Annotated[Pulse, Context("pulse")]
Broker = Annotated[KafkaBroker, Context("broker")]


def router(settings: Settings) -> KafkaRouter:
    routes = KafkaRouter()
    group = settings.kafka_group_id
    watched = (topics.POSTS_SCORED, topics.DECISIONS, topics.STRIKES, topics.CASE_EVENTS)
    batch_subscriber(routes, watched, group, settings, start=settings.pulse_start_from)(on_posts)
    batch_subscriber(routes, topics.MOOD, f"{group}-mood", settings)(on_mood)
    return routes


async def on_posts(message: KafkaMessage, broker: Broker, deps: Deps) -> None:
    records = records_of(message)
    scored = [r for r in records if r.topic == topics.POSTS_SCORED]
    decided = [r for r in records if r.topic == topics.DECISIONS]
    struck = [r for r in records if r.topic == topics.STRIKES]
    opened = [r for r in records if r.topic == topics.CASE_EVENTS]
    observations, remarks = await heard(broker, deps, scored)
    for _, case in await decode_records(broker, SERVICE, opened, CaseEvent, metrics.ERRORS):
        if feedback_case(case, deps.feedback_queue):
            remarks.append(remark_of(case))
    for _, decision in await decode_records(broker, SERVICE, decided, Decision, metrics.ERRORS):
        if decision.revision == 0 and decision.action is not Action.ALLOW:
            where = Community(decision.tenant, decision.community)
            at = decision.occurred_at.timestamp()
            observations.append(
                Observation("decided", decision.post_id, where, at, {"actioned": 1})
            )
    for _, strike in await decode_records(broker, SERVICE, struck, StrikeEvent, metrics.ERRORS):
        observations.append(strike_observation(strike))
    counted, late = await deps.tallies.count(observations)
    await deps.feedback.add(remarks)
    metrics.POSTS_COUNTED.inc(counted)
    metrics.LATE.inc(late)
    metrics.REMARKS.inc(len(remarks))


async def heard(broker: KafkaBroker, deps: Pulse, records) -> tuple[list, list]:
    """The scored posts' observations and the civil criticism among them. The lexicon reads
    what the classifier's model left without a tone, in English; CPU-bound, so off the event
    loop, and health checks and the window closer keep their time."""
    observations, remarks = [], []
    posts = await decode_records(broker, SERVICE, records, PostScored, metrics.ERRORS)
    english = [i for i, (_, event) in enumerate(posts) if needs_lexicon(event)]
    texts = [posts[i][1].post.text for i in english]
    tones = await within_budget(deps.sentiment.score, texts, deps.post_budget_seconds)
    read = dict(zip(english, tones, strict=True))
    for index, (record, event) in enumerate(posts):
        sentiment = read.get(index)
        if isinstance(sentiment, Overdue):
            metrics.ERRORS.labels("overdue").inc()
            await dead_letter(broker, SERVICE, record, "overdue", sentiment.reason)
            continue
        signal = signal_for(event, sentiment)
        if signal.tone is None:
            metrics.TONE_UNREAD.inc()
        observations.append(scored_observation(event, signal))
        if signal.civil_negative:
            remarks.append(remark_of(event))
    return observations, remarks


def needs_lexicon(event: PostScored) -> bool:
    return event.tone is None and lexicon_reads(event.language_code)


def signal_for(event: PostScored, sentiment: float | None) -> Signal:
    """The tone the classifier read, else the lexicon's (None: not read)."""
    if event.tone is not None:
        return signal_read(event.tone, event.scores)
    return signal_of(sentiment, event.scores)


def feedback_case(case: CaseEvent, queue: str) -> bool:
    return case.kind is CaseEventKind.OPENED and case.queue == queue and case.post is not None


def remark_of(event: PostScored | CaseEvent) -> tuple[Community, Remark]:
    """Civil criticism for the digest, by when it was posted."""
    post = event.post
    assert post is not None  # a scored post always has it; a case only when `feedback_case`
    if isinstance(event, PostScored):
        said, language = event.submitted_at, event.language_code
    else:
        said, language = None, event.language
    at = (said or event.occurred_at).timestamp()
    return Community(post.tenant, post.community), Remark(post.post_id, post.text, at, language)


def strike_observation(strike: StrikeEvent) -> Observation:
    weight = -strike.weight if strike.removed else strike.weight
    return Observation(
        "strike", f"{strike.strike_id}:{'removed' if strike.removed else 'given'}",
        Community(strike.tenant, strike.community), strike.occurred_at.timestamp(),
        {"strikes": weight}, author_strikes=(strike.author_id, weight),
    )  # fmt: skip


def scored_observation(event: PostScored, signal: Signal) -> Observation:
    post = event.post
    at = (event.submitted_at or event.occurred_at).timestamp()  # when it was said
    return Observation(
        "scored", post.post_id, Community(post.tenant, post.community), at, counts_of(signal),
        negative=signal.negative,
    )  # fmt: skip


async def on_mood(message: KafkaMessage, broker: Broker, deps: Deps) -> None:
    """One window at a time, in order per community (the topic is keyed by community)."""
    windows = await decode_records(broker, SERVICE, records_of(message), MoodWindow, metrics.ERRORS)
    for _, window in windows:
        await apply_window(window, broker, deps)


async def apply_window(window: MoodWindow, broker: KafkaBroker | None, deps: Pulse) -> None:
    """For the watched length, step the community's detector and publish its alert (not during
    a rebuild, which passes no broker: the alerts are on their topic already)."""
    if window.window_seconds != deps.watched_seconds:
        return
    where = Community(window.tenant, window.community)
    state, last_end = await deps.detectors.get(where)
    moved = watch(window, state, last_end, deps.tunings.of(window.tenant, window.community))
    if moved is None:
        return
    new, alert = moved
    if alert is not None and broker is not None:
        key = topics.community_key(alert.tenant, alert.community)
        await publish_all(broker, [(alert, topics.COMMUNITY_ALERTS, key)])
        metrics.ALERTS.labels(alert.kind.value).inc()
    await deps.detectors.save(where, new, window.ends_at.timestamp())
    if new.phase is Phase.WAVE and broker is not None:
        end = int(window.ends_at.timestamp())
        await deps.tallies.expect(OpenWindow(where, window.window_seconds, end))
