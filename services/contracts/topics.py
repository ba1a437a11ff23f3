"""Topic names, partition counts and message keys: the one place that decides them.

Posts and everything derived from them are keyed by `{tenant}:{author_id}`, so one author's events
stay in one partition and in order (strike counting depends on that).
"""

from __future__ import annotations

from dataclasses import dataclass

POSTS_SUBMITTED = "moderation.posts.submitted.v1"
POSTS_SCORED = "moderation.posts.scored.v1"
DECISIONS = "moderation.decisions.v1"
CASE_EVENTS = "moderation.case-events.v1"
MODERATOR_ACTIONS = "moderation.moderator-actions.v1"
STRIKES = "moderation.strikes.v1"
SANCTIONS = "moderation.sanctions.v1"
SHADOW_DECISIONS = "moderation.shadow-decisions.v1"
DEAD_LETTER = "moderation.dead-letter.v1"
CREDENTIALS = "moderation.credentials.v1"
WEBHOOKS = "moderation.webhooks.v1"
WEBHOOK_DELIVERIES = "moderation.webhook-deliveries.v1"
POLICIES = "moderation.policies.v1"
REPORTS = "moderation.reports.v1"
LABELED_EXAMPLES = "moderation.labeled-examples.v1"
MOOD = "moderation.mood.v1"
COMMUNITY_ALERTS = "moderation.community-alerts.v1"
CRISIS_COMMANDS = "moderation.crisis-commands.v1"
CRISIS = "moderation.crisis.v1"
SHIELDS = "moderation.shields.v1"
SHIELD_COMMANDS = "moderation.shield-commands.v1"
REPORTER_MUTES = "moderation.reporter-mutes.v1"
GOLDEN = "moderation.golden.v1"
GOLDEN_SCORES = "moderation.golden-scores.v1"
REPLIES = "moderation.replies.v1"
REPLY_TEMPLATES = "moderation.reply-templates.v1"
THEMES = "moderation.themes.v1"
DIGEST_SUBSCRIPTIONS = "moderation.digest-subscriptions.v1"
SCORE_MAPS = "moderation.score-maps.v1"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    key: str  # what the message key is, in words; the key functions below compute it
    writer: str  # the service that publishes on it (the topic's owner)


TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec(POSTS_SUBMITTED, 6, "tenant:author_id", "ingest"),
    TopicSpec(POSTS_SCORED, 6, "tenant:author_id", "classifier"),
    TopicSpec(DECISIONS, 6, "tenant:author_id", "escalation"),
    TopicSpec(CASE_EVENTS, 6, "tenant:author_id", "escalation"),
    TopicSpec(MODERATOR_ACTIONS, 6, "tenant:author_id", "desk"),
    TopicSpec(STRIKES, 6, "tenant:author_id", "escalation"),
    TopicSpec(SANCTIONS, 6, "tenant:author_id", "escalation"),
    TopicSpec(SHADOW_DECISIONS, 6, "tenant:author_id", "escalation"),
    TopicSpec(DEAD_LETTER, 1, "source topic", "every consumer"),
    TopicSpec(CREDENTIALS, 1, "tenant", "desk"),
    TopicSpec(WEBHOOKS, 1, "tenant", "gateway"),
    TopicSpec(WEBHOOK_DELIVERIES, 3, "tenant", "gateway"),
    TopicSpec(POLICIES, 1, "tenant", "desk"),
    TopicSpec(REPORTS, 6, "tenant:author_id", "ingest"),
    # moderators' calls (escalation) and Perspective's suggestions (gateway)
    TopicSpec(LABELED_EXAMPLES, 3, "tenant", "escalation, gateway"),
    TopicSpec(MOOD, 3, "tenant:community", "pulse"),
    TopicSpec(COMMUNITY_ALERTS, 3, "tenant:community", "pulse"),
    # one partition each: few events, and every escalation replica replays the switches in order
    TopicSpec(CRISIS_COMMANDS, 1, "tenant:community", "desk"),
    TopicSpec(CRISIS, 1, "tenant:community", "escalation"),
    TopicSpec(SHIELDS, 1, "tenant:member", "escalation"),
    TopicSpec(SHIELD_COMMANDS, 1, "tenant:member", "desk"),
    TopicSpec(REPORTER_MUTES, 1, "tenant:member", "desk"),
    TopicSpec(GOLDEN, 1, "tenant", "desk"),
    TopicSpec(GOLDEN_SCORES, 1, "tenant:author_id", "escalation"),
    # keyed by the answered post's author: a reply follows its post's case events in order
    TopicSpec(REPLIES, 6, "tenant:author_id", "outreach"),
    TopicSpec(REPLY_TEMPLATES, 1, "tenant", "outreach"),
    TopicSpec(THEMES, 1, "tenant:community", "outreach"),
    TopicSpec(DIGEST_SUBSCRIPTIONS, 1, "tenant", "outreach"),
    TopicSpec(SCORE_MAPS, 1, "tenant", "gateway"),
)


def author_key(tenant: str, author_id: str) -> bytes:
    """Partition key for every post-derived event: one author's history stays ordered."""
    return f"{tenant}:{author_id}".encode()


def community_key(tenant: str, community: str | None) -> bytes:
    """Key for a community's mood and alerts: each community's windows stay in order."""
    return f"{tenant}:{community or ''}".encode()


def member_key(tenant: str, member: str) -> bytes:
    """Key for what concerns one member as a target (a shield): ordered per member."""
    return f"{tenant}:{member}".encode()


def tenant_key(tenant: str) -> bytes:
    """Key for a platform's own configuration (credentials, webhooks): ordered per tenant."""
    return tenant.encode()
