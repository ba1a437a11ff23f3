"""pulse's Kafka handlers: scored posts, decisions and strikes go into their community's open
windows; civil criticism and cases opened in the feedback queue are kept for the digest;
closed windows (its own mood topic) move the community's wave detector.

The open windows are counts, not a view of any topic: lost with Redis, never rebuilt. What
pulse keeps is in the projection table at the end: the wave detectors (fed by the mood topic,
live and in a rebuild) and the civil criticism for the digest (fed live by `on_posts`, which
reads a post's tone once for both its window and its remark, through the same functions)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
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
    ThemeChanged,
)
from services.pulse import metrics
from services.pulse.adapters.detectors import Detectors
from services.pulse.adapters.feedback import FeedbackBook
from services.pulse.adapters.pileons import Aim, PileOns
from services.pulse.adapters.tallies import Observation, OpenWindow, Tallies
from services.pulse.config import Settings
from services.pulse.domain.detector import Phase, Tunings
from services.pulse.domain.mood import Community, counts_of
from services.pulse.domain.pileon import PileOnTuning, Target, pile_on_alert, started, starts
from services.pulse.domain.signal import Signal, lexicon_reads, signal_of, signal_read
from services.pulse.domain.themes import Remark
from services.pulse.domain.watch import watch
from services.pulse.sentiment import Sentiment
from services.shared.budget import Overdue, within_budget
from services.shared.consumer import Context
from services.shared.decoding import Events, Reads, dead_letter
from services.shared.kafka import batch_subscriber, publish_all
from services.shared.projections import Projection, project, reads_of

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
    alerts: KafkaBroker | None = None  # where wave alerts go; None in a rebuild
    pileons: PileOns | None = None  # replies aimed at members; None: not watched
    pileon_tuning: PileOnTuning = field(default_factory=PileOnTuning)


Deps = Annotated[Pulse, Context("pulse")]
Broker = Annotated[KafkaBroker, Context("broker")]


WATCHED = {
    topics.POSTS_SCORED: PostScored,
    topics.DECISIONS: Decision,
    topics.STRIKES: StrikeEvent,
    topics.CASE_EVENTS: CaseEvent,
}


def router(settings: Settings) -> KafkaRouter:
    routes = KafkaRouter()
    group = settings.kafka_group_id
    watched = Reads(SERVICE, WATCHED, metrics.ERRORS)
    start = settings.pulse_start_from
    # a scored post and its decision, and for some a strike or case events
    batch_subscriber(routes, watched, group, settings, start, fill=2.5)(on_posts)
    windows = reads_of(SERVICE, PROJECTIONS, metrics.ERRORS, topics.MOOD, topics.THEMES)
    batch_subscriber(routes, windows, f"{group}-mood", settings)(on_mood)
    return routes


async def on_posts(events: Events, broker: Broker, deps: Deps) -> None:
    observations, remarks, aims = await heard(broker, deps, events.pairs(topics.POSTS_SCORED))
    remarks += [remark_of(case) for case in events.events(topics.CASE_EVENTS)
                if feedback_case(case, deps.feedback_queue)]  # fmt: skip
    for decision in events.events(topics.DECISIONS):
        if decision.revision == 0 and decision.action is not Action.ALLOW:
            where = Community(decision.tenant, decision.community)
            at = decision.occurred_at.timestamp()
            observations.append(
                Observation("decided", decision.post_id, where, at, {"actioned": 1})
            )
    observations += [strike_observation(strike) for strike in events.events(topics.STRIKES)]
    counted, late = await deps.tallies.count(observations)
    await deps.feedback.add(remarks)
    metrics.POSTS_COUNTED.inc(counted)
    metrics.LATE.inc(late)
    metrics.REMARKS.inc(len(remarks))
    await watch_pile_ons(deps, aims)


async def watch_pile_ons(deps: Pulse, aims: list[Aim]) -> None:
    """Count replies aimed at members; a window past the evidence floor reads the member's
    state and may start a pile-on (the closer ends them)."""
    if deps.pileons is None or not aims:
        return
    tuning = deps.pileon_tuning
    for window, counts in (await deps.pileons.add(aims)).items():
        if counts.authors < tuning.min_authors:
            continue  # most windows: nothing more is read
        state = await deps.pileons.state(window.target)
        if not starts(state, counts, tuning):
            continue
        now = time.time()
        new = started(state, now)
        _, samples = await deps.pileons.read(window)
        alert = pile_on_alert(window.target, counts, new, tuning, False, samples, now)
        await publish_alert(deps, alert)
        await deps.pileons.save(window.target, new)


async def publish_alert(deps: Pulse, alert) -> None:
    if deps.alerts is None:
        return
    key = topics.community_key(alert.tenant, alert.community)
    await publish_all(deps.alerts, [(alert, topics.COMMUNITY_ALERTS, key)])
    metrics.ALERTS.labels(alert.kind.value).inc()


async def heard(broker: KafkaBroker, deps: Pulse, posts: list) -> tuple[list, list, list]:
    """The scored posts' observations, the civil criticism among them and the replies aimed at
    members. The lexicon reads what the classifier's model left without a tone, in English;
    CPU-bound, so off the event
    loop, and health checks and the window closer keep their time."""
    observations, remarks, aims = [], [], []
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
        aims += aims_of(event, signal.negative)
    return observations, remarks, aims


def aims_of(event: PostScored, negative: bool) -> list[Aim]:
    post = event.post
    at = (event.submitted_at or event.occurred_at).timestamp()
    return [Aim(Target(post.tenant, post.community, member), post.post_id, post.author_id,
                negative, at) for member in sorted(post.aimed_at)]  # fmt: skip


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
    remark = Remark(post.post_id, post.text, at, language, post.author_id)
    return Community(post.tenant, post.community), remark


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


async def on_mood(events: Events, deps: Deps) -> None:
    """One window at a time, in order per community (the topic is keyed by community); and
    how the product team owns the digest's themes."""
    await project(PROJECTIONS, deps, events, metrics.VIEW_EVENTS)


async def apply_window(deps: Pulse, window: MoodWindow, live: bool) -> bool:
    """For the watched length, step the community's detector and publish its alert (only
    live: in a rebuild the alerts are on their topic already)."""
    broker = deps.alerts if live else None
    if window.window_seconds != deps.watched_seconds:
        return False
    where = Community(window.tenant, window.community)
    state, last_end = await deps.detectors.get(where)
    moved = watch(window, state, last_end, deps.tunings.of(window.tenant, window.community))
    if moved is None:
        return False
    new, alert = moved
    if alert is not None and broker is not None:
        await publish_alert(deps, alert)
    await deps.detectors.save(where, new, window.ends_at.timestamp())
    if new.phase is Phase.WAVE and broker is not None:
        end = int(window.ends_at.timestamp())
        await deps.tallies.expect(OpenWindow(where, window.window_seconds, end))
    return True


async def keep_criticism(deps: Pulse, scored: PostScored, _: bool) -> bool:
    """A rebuild's civil criticism from a scored post (`heard` keeps it live)."""
    sentiment = deps.sentiment.score(scored.post.text) if needs_lexicon(scored) else None
    if not signal_for(scored, sentiment).civil_negative:
        return False
    await deps.feedback.add([remark_of(scored)])
    return True


async def keep_feedback_case(deps: Pulse, case: CaseEvent, _: bool) -> bool:
    """A rebuild's case opened in the feedback queue (`on_posts` keeps it live)."""
    if not feedback_case(case, deps.feedback_queue):
        return False
    await deps.feedback.add([remark_of(case)])
    return True


PROJECTIONS = {
    topics.MOOD: Projection(MoodWindow, apply_window),
    topics.THEMES: Projection(ThemeChanged, lambda deps, change, _: deps.feedback.own(change)),
    topics.POSTS_SCORED: Projection(PostScored, keep_criticism),
    topics.CASE_EVENTS: Projection(CaseEvent, keep_feedback_case),
}
