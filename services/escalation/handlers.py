"""Kafka side of escalation: scored posts in, decisions out; moderator commands in, case events
out; published policies and crisis switches into memory (`views.PROJECTIONS`). Each handler
receives its events decoded, loads what the domain needs, asks it, and hands the Effects to
`carry_out`.

Idempotent: a post already decided is skipped, and a redelivered post recomputes the same
outcome (its own strike is left out of the count it is judged against), with event ids derived
from the decision id; a command already answered is not applied again.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import partial
from typing import Annotated

from faststream.kafka import KafkaBroker, KafkaRouter

from services.contracts import topics
from services.contracts.cases import Case, case_id_for, fold
from services.contracts.events import (
    CaseEvent,
    CommunityAlert,
    CrisisChanged,
    CrisisCommand,
    ModeratorAction,
    Post,
    PostReported,
    PostScored,
    ReplyWritten,
    ShieldChanged,
    ShieldCommand,
    utcnow,
)
from services.escalation import metrics
from services.escalation.adapters.effects import carry_out
from services.escalation.config import Settings
from services.escalation.domain import crisis, effects, golden, shield
from services.escalation.domain.answers import AuthorStrikes, answer
from services.escalation.domain.decisions import Governance, decided
from services.escalation.domain.replies import on_reply
from services.escalation.domain.reports import Admission, admit, case_events_for
from services.escalation.domain.strikes import (
    Author,
    author_of,
    automated_decision_id,
)
from services.escalation.views import PROJECTIONS, Escalation, policy_of, tally_of
from services.policy.language import Policy
from services.policy.text import PolicyError
from services.shared.consumer import Context
from services.shared.decoding import Events, Reads, by_topic, dead_letter
from services.shared.kafka import batch_subscriber, publish_all, replay_subscriber
from services.shared.projections import project, reads_of

SERVICE = "escalation"


Deps = Annotated[Escalation, Context("escalation")]
Broker = Annotated[KafkaBroker, Context("broker")]


def router(settings: Settings) -> KafkaRouter:
    routes = KafkaRouter()
    group = settings.kafka_group_id
    scored = Reads(SERVICE, {topics.POSTS_SCORED: PostScored}, metrics.ERRORS)
    batch_subscriber(routes, scored, group, settings, fill=1)(on_posts_scored)
    # commands, reports and waves are few: they share a consumer (an idle one still polls),
    # and each is handed over as soon as it arrives
    commands = Reads(
        SERVICE, {topic: model for topic, (model, _) in COMMANDS.items()}, metrics.ERRORS
    )
    batch_subscriber(routes, commands, f"{group}-{COMMANDS_GROUP}", settings)(on_commands)
    # no group and nothing committed: every replica reads every published policy from the start
    table = partial(reads_of, SERVICE, PROJECTIONS, metrics.ERRORS)
    replay_subscriber(routes, table(topics.POLICIES), settings)(on_policies)
    # the same for crisis switches; commands and waves that make them are read once, by a group
    replay_subscriber(routes, table(topics.CRISIS), settings)(on_crisis)
    replay_subscriber(routes, table(topics.SHIELDS), settings)(on_switches)
    replay_subscriber(routes, table(topics.REPORTER_MUTES), settings)(on_switches)
    replay_subscriber(routes, table(topics.GOLDEN), settings)(on_switches)
    return routes


async def on_commands(events: Events, broker: Broker, deps: Deps) -> None:
    """Moderator commands, reports, crisis commands, community alerts and replies."""
    await by_topic(
        events, {topic: partial(handler, broker, deps) for topic, (_, handler) in COMMANDS.items()}
    )


async def on_posts_scored(events: Events, broker: Broker, deps: Deps) -> None:
    scored: dict[str, PostScored] = {}
    for event in events.events(topics.POSTS_SCORED):
        scored.setdefault(event.post.post_id, event)
    done = await deps.state.decided.already_decided(list(scored))
    metrics.DUPLICATES.inc(len(done))
    new = [event for post_id, event in scored.items() if post_id not in done]
    tally = await deps.state.strikes.tally(windows_of(deps, new, time.time()))
    now = time.time()
    outcomes = [decided(event, governance_of(deps, event.post), tally, now) for event in new]
    # in Redis before the decisions are out, as each would be counted for the next post
    await deps.state.strikes.apply_many([o.strike for o in outcomes if o.strike])
    await carry_out(broker, deps.state, effects.of_outcomes(outcomes))
    copies = [copy for o in outcomes if o.case and (copy := golden_copy(deps, o.case))]
    if copies:  # after the real cases: a copy never stands in a queue alone
        await carry_out(broker, deps.state, effects.of_report(copies))
    await deps.state.reports.keep_scored(new)  # so reports can still bring it to a moderator
    metrics.record(outcomes)
    metrics.observe_latency([event.submitted_at for event in new], utcnow())


def golden_copy(deps: Escalation, opened: CaseEvent) -> CaseEvent | None:
    every = deps.book.for_post(opened.tenant, opened.community).golden.every
    if not every:  # most policies: no golden cases read at all
        return None
    return golden.copy_of(opened, deps.goldens.of(opened.tenant), every)


async def strikes_of(deps: Escalation, post: Post, policy: Policy) -> int:
    """The author's strikes in the window, leaving out the post's own automated one."""
    return await deps.state.strikes.count(
        post.tenant,
        post.community,
        post.author_id,
        time.time(),
        policy.strikes.window_days,
        excluding=automated_decision_id(post.post_id),
    )


def windows_of(deps: Escalation, events: list[PostScored], now: float) -> dict[Author, float]:
    """Since when each author's strikes count, by the policy of the post's community."""
    return {
        author_of(e.post.tenant, e.post.community, e.post.author_id): now
        - deps.book.for_post(e.post.tenant, e.post.community).strikes.window_days * 86400
        for e in events
    }


def governance_of(deps: Escalation, post: Post) -> Governance:
    aimed_at = post.aimed_at  # a set built on each read
    shielded = bool(aimed_at) and deps.shields.covers(post.tenant, post.community, aimed_at)
    metrics.SHIELDED_POSTS.inc(shielded)
    return Governance(
        policy=deps.book.for_post(post.tenant, post.community),
        shadow=deps.book.shadow_for(post.tenant, post.community),
        crisis=deps.crisis.is_on(post.tenant, post.community),
        shielded=shielded,
    )


async def on_reports(broker: KafkaBroker, deps: Escalation, reports: list) -> None:
    """One report at a time: each sees the tally the one before it left. The author's strikes
    are read only for a report that counts (a raid's reports mostly do not), after the pure
    admission check."""
    for _, report in reports:
        book = deps.state.reports
        tally = await tally_of(deps, report)
        case = await deps.state.cases.get(case_id_for(report.post_id))
        scored = await book.scored(report.post_id)
        community = scored.post.community if scored else (case.community if case else None)
        policy = deps.book.for_post(report.tenant, community)
        admission = admit(tally, policy)
        metrics.REPORTS.labels(admission.value).inc()
        if admission is Admission.COUNTED:
            strikes = await strikes_of(deps, scored.post, policy) if scored else 0
            events = case_events_for(report, tally, case, scored, policy, strikes)
            await carry_out(broker, deps.state, effects.of_report(events))
        await book.record(report, admission)


async def on_moderator_actions(broker: KafkaBroker, deps: Escalation, commands: list) -> None:
    """Decode, load, judge, carry out; one at a time: each command sees the state the one
    before it left."""
    for _, command in commands:
        if await deps.state.answers.seen(command.action_id):
            continue
        case = await deps.state.cases.get(command.case_id)
        policy = deps.book.for_post(command.tenant, case.community if case else None)
        strikes = await author_strikes(deps, case, policy)
        known = deps.goldens.get(command.tenant, case.golden_id) if case else None
        answered = answer(command, case, policy, strikes, datetime.now(UTC), known)
        metrics.record_answer(answered)
        await carry_out(broker, deps.state, answered.effects)


async def on_replies(broker: KafkaBroker, deps: Escalation, replies: list) -> None:
    """A reply to a case's post answers the complaint or is the case's first response; one at
    a time, like commands (outreach may be waiting on each)."""
    for _, reply in replies:
        if reply.case_id is None or await deps.state.answers.seen(reply.reply_id):
            continue
        case = await deps.state.cases.get(reply.case_id)
        policy = deps.book.for_post(reply.tenant, case.community if case else None)
        event = on_reply(case, reply, policy)
        if event is None:
            continue
        after = fold(case, event)
        await carry_out(broker, deps.state, effects.of_answer(reply.reply_id, case, event, after))
        metrics.record_reply(event, case, after)


async def author_strikes(deps: Escalation, case: Case | None, policy: Policy) -> AuthorStrikes:
    """The case author's record, for a resolution to lift or give a strike by."""
    if case is None:
        return AuthorStrikes()
    record = deps.state.strikes
    automated = automated_decision_id(case.post_id)
    return AuthorStrikes(
        await record.units(case.tenant, case.community, case.author_id, automated),
        await record.count(
            case.tenant, case.community, case.author_id, time.time(), policy.strikes.window_days
        ),
    )


async def on_policies(events: Events, broker: Broker, deps: Deps) -> None:
    for record, event in events.pairs(topics.POLICIES):
        try:
            policy = policy_of(event)
        except PolicyError as error:  # the desk validates first; this is a bad producer
            await dead_letter(broker, SERVICE, record, "invalid_policy", str(error))
            continue
        deps.book.publish(f"{event.name}.yaml", policy)


async def on_crisis(events: Events, deps: Deps) -> None:
    await project(PROJECTIONS, deps, events, metrics.VIEW_EVENTS)


async def on_crisis_commands(broker: KafkaBroker, deps: Escalation, commands: list) -> None:
    for _, command in commands:
        await switch(broker, deps, crisis.on_command(command))


async def on_waves(broker: KafkaBroker, deps: Escalation, alerts: list) -> None:
    """Waves may switch a community's crisis mode; pile-ons a member's shield."""
    for _, alert in alerts:
        policy = deps.book.for_post(alert.tenant, alert.community)
        if alert.kind.pile_on:
            current = deps.shields.shield_of(alert.tenant, alert.community, alert.target or "")
            shielding = shield.on_alert(current, alert, policy)
            if shielding is not None:
                await switch_shield(broker, deps, shielding)
            continue
        current = deps.crisis.current(alert.tenant, alert.community)
        change = crisis.on_alert(current, alert, policy)
        if change is not None:
            await switch(broker, deps, change)


async def on_shield_commands(broker: KafkaBroker, deps: Escalation, commands: list) -> None:
    for _, command in commands:
        await switch_shield(broker, deps, shield.on_command(command))


async def on_switches(events: Events, deps: Deps) -> None:
    """Shields, reporters' mutes and golden cases, replayed by every replica into memory."""
    await project(PROJECTIONS, deps, events, metrics.VIEW_EVENTS)


async def switch_shield(broker: KafkaBroker, deps: Escalation, change: ShieldChanged) -> None:
    """Published for every replica, and applied here at once so the next post sees it."""
    key = topics.member_key(change.tenant, change.member)
    await publish_all(broker, [(change, topics.SHIELDS, key)])
    deps.shields.apply(change)
    metrics.SHIELD_SWITCHES.labels(change.source.value, "on" if change.on else "off").inc()


async def switch(broker: KafkaBroker, deps: Escalation, change: CrisisChanged) -> None:
    """Published for every replica, and applied here at once so the next alert sees it."""
    key = topics.community_key(change.tenant, change.community)
    await publish_all(broker, [(change, topics.CRISIS, key)])
    deps.crisis.apply(change)
    metrics.CRISIS_SWITCHES.labels(change.source.value, "on" if change.on else "off").inc()


COMMANDS = {  # topic -> (event, handler)
    topics.MODERATOR_ACTIONS: (ModeratorAction, on_moderator_actions),
    topics.REPORTS: (PostReported, on_reports),
    topics.CRISIS_COMMANDS: (CrisisCommand, on_crisis_commands),
    topics.SHIELD_COMMANDS: (ShieldCommand, on_shield_commands),
    topics.COMMUNITY_ALERTS: (CommunityAlert, on_waves),
    topics.REPLIES: (ReplyWritten, on_replies),
}
COMMANDS_GROUP = "commands"  # after KAFKA_GROUP_ID
# the groups that read these topics before they were merged, after KAFKA_GROUP_ID
LEGACY_GROUPS = {
    topics.MODERATOR_ACTIONS: "actions",
    topics.REPORTS: "reports",
    topics.CRISIS_COMMANDS: "crisis",
    topics.COMMUNITY_ALERTS: "crisis-waves",
}
