"""Which event each topic carries: one model (or one union of models) per topic, for the
AsyncAPI documents and for anyone reading a topic."""

from __future__ import annotations

from typing import Any

from services.contracts import topics
from services.contracts.events import (
    AuthorSanctioned,
    CaseEvent,
    CommunityAlert,
    CredentialEvent,
    CrisisChanged,
    CrisisCommand,
    DeadLetter,
    Decision,
    DigestSubscription,
    GoldenCase,
    GoldenScored,
    LabeledExample,
    ModeratorAction,
    MoodWindow,
    PolicyPublished,
    PostReported,
    PostScored,
    PostSubmitted,
    ReplyTemplateChanged,
    ReplyWritten,
    ReporterMuted,
    ScoreMapPublished,
    ShadowDecision,
    ShieldChanged,
    ShieldCommand,
    StrikeEvent,
    ThemeChanged,
    WebhookDeadLettered,
    WebhookEvent,
)

EVENTS: dict[str, Any] = {
    topics.POSTS_SUBMITTED: PostSubmitted,
    topics.POSTS_SCORED: PostScored,
    topics.DECISIONS: Decision,
    topics.CASE_EVENTS: CaseEvent,
    topics.MODERATOR_ACTIONS: ModeratorAction,
    topics.STRIKES: StrikeEvent,
    topics.SANCTIONS: AuthorSanctioned,
    topics.SHADOW_DECISIONS: ShadowDecision,
    topics.DEAD_LETTER: DeadLetter,
    topics.CREDENTIALS: CredentialEvent,
    topics.WEBHOOKS: WebhookEvent,
    topics.WEBHOOK_DELIVERIES: WebhookDeadLettered,
    topics.POLICIES: PolicyPublished,
    topics.REPORTS: PostReported,
    topics.LABELED_EXAMPLES: LabeledExample,
    topics.MOOD: MoodWindow,
    topics.COMMUNITY_ALERTS: CommunityAlert,
    topics.CRISIS_COMMANDS: CrisisCommand,
    topics.CRISIS: CrisisChanged,
    topics.SHIELDS: ShieldChanged,
    topics.SHIELD_COMMANDS: ShieldCommand,
    topics.REPORTER_MUTES: ReporterMuted,
    topics.GOLDEN: GoldenCase,
    topics.GOLDEN_SCORES: GoldenScored,
    topics.REPLIES: ReplyWritten,
    topics.REPLY_TEMPLATES: ReplyTemplateChanged,
    topics.THEMES: ThemeChanged,
    topics.DIGEST_SUBSCRIPTIONS: DigestSubscription,
    topics.SCORE_MAPS: ScoreMapPublished,
}


def writers(spec: topics.TopicSpec) -> set[str]:
    """The services that publish on the topic ("every consumer" for the dead letters)."""
    return {name.strip() for name in spec.writer.split(",")}
