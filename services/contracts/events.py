"""Event contracts: exactly one pydantic model per topic, shared by every service.

JSON on the wire. Every event has an `event_id`, a `schema_version` and an `occurred_at`
timestamp. Consumers ignore fields they do not know, so producers can add optional fields
without a version bump; removing or changing a field needs a new `schema_version` and topic.
Event ids that a redelivery could produce twice are derived deterministically (see `derived_id`),
so downstream consumers can drop duplicates.
"""

from __future__ import annotations

import bisect
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from services.contracts.ids import random_uuid

SCHEMA_VERSION = 1
LABELS: tuple[str, ...] = (
    "toxicity",
    "severe_toxicity",
    "obscene",
    "threat",
    "insult",
    "identity_attack",
    "sexual_explicit",
)
_NAMESPACE = uuid.UUID("6f1b7c1e-4d0a-4a55-9a4e-3f5d2a7c9b10")


def utcnow() -> datetime:
    return datetime.now(UTC)


def derived_id(*parts: str) -> str:
    """A stable id for something that is identified by its inputs (post ids, decision ids)."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


def post_id_for(tenant: str, external_id: str) -> str:
    """The same (tenant, external_id) always names the same post: the idempotency key."""
    return derived_id("post", tenant, external_id)


def new_event_id() -> str:
    return random_uuid()


class Event(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    event_id: str = Field(default_factory=new_event_id, description="Unique event id.")
    schema_version: int = Field(
        default=SCHEMA_VERSION, description="Contract version of this event."
    )
    occurred_at: datetime = Field(default_factory=utcnow, description="When it happened (UTC).")


E = TypeVar("E", bound=Event)


def revised(event: E, **changes: Any) -> E:
    """The same record with some fields changed, as a new event (new id, happening now)."""
    return event.model_copy(update={**changes, "event_id": new_event_id(), "occurred_at": utcnow()})


class AuthorFacts(BaseModel):
    """What the platform tells us about the author at posting time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    account_age_days: int | None = Field(default=None, ge=0, examples=[42])
    trust_level: int | None = Field(default=None, ge=0, le=10, examples=[1])
    prior_sanctions: int | None = Field(default=None, ge=0, examples=[0])


UNDETERMINED = "und"  # BCP 47's code for a language nobody can tell


class LanguageSource(StrEnum):
    STATED = "stated"  # the platform said so: it wins over detection
    DETECTED = "detected"
    UNDETERMINED = "undetermined"  # too short, only emoji or digits, or the detector unsure


class Language(BaseModel):
    """The language a post was read as, and how that is known."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    code: str = Field(description="ISO 639-1 (or -3) code; `und` when undetermined.",
                      examples=["de"])  # fmt: skip
    confidence: float | None = Field(
        default=None, ge=0, le=1, description="The detector's confidence; none when stated."
    )
    source: LanguageSource = Field(examples=["detected"])


class Post(BaseModel):
    """A piece of user content as the platform submitted it (text kept verbatim for display)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    post_id: str = Field(description="Our id, derived from (tenant, external_id).")
    tenant: str = Field(description="The platform that owns the post.", examples=["acme"])
    external_id: str = Field(description="The platform's own id for the post.", examples=["c-981"])
    author_id: str = Field(description="The platform's id for the author.", examples=["u-17"])
    community: str | None = Field(default=None, description="Sub-community, forum or channel.")
    text: str = Field(description="The text as posted.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Opaque platform metadata.")
    author: AuthorFacts | None = Field(default=None, description="Author facts, if sent.")
    lang: str | None = Field(
        default=None,
        description="The language the platform states (BCP 47, e.g. `de` or `pt-BR`); it wins "
        "over detection.",
    )
    reply_to: str | None = Field(
        default=None,
        description="The platform's id (`external_id`) of the post this one answers, if any.",
        examples=["c-977"],
    )
    thread_id: str | None = Field(
        default=None,
        description="The platform's id of the conversation (thread, topic, comment section).",
        examples=["t-12"],
    )
    reply_to_author: str | None = Field(
        default=None,
        description="The author of the post it answers, when we received that post (ingest "
        "finds it): the member a reply is aimed at.",
    )
    mentions: list[str] = Field(
        default_factory=list, description="Members the post names, as the platform sent them."
    )

    @property
    def aimed_at(self) -> set[str]:
        """The members a reply or mention is aimed at (never its own author)."""
        return ({self.reply_to_author} if self.reply_to_author else set()).union(self.mentions) - {
            self.author_id
        }


class ModelInfo(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(examples=["offline-minilm-ngram"])
    version: str = Field(examples=["2026.11.1"])


class Tone(BaseModel):
    """A post's tone as the model that read it judged it: the probability that it is negative,
    and that it is positive (neutral is the rest)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    negative: float = Field(ge=0, le=1, examples=[0.71])
    positive: float = Field(ge=0, le=1, examples=[0.04])

    @property
    def likeliest(self) -> str:
        """`negative`, `neutral` or `positive`: the one likelier than both others (a tie is
        neutral)."""
        neutral = 1.0 - self.negative - self.positive
        if self.negative > max(self.positive, neutral):
            return "negative"
        return "positive" if self.positive > max(self.negative, neutral) else "neutral"


class Scores(BaseModel):
    """What the classifier read of a post before it was submitted (the Perspective endpoint
    scores a comment synchronously, then sends it down the pipeline): the classifier passes
    these on instead of reading the post a second time."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    scores: dict[str, float] = Field(examples=[{"toxicity": 0.93}])
    model: ModelInfo
    language: Language
    unscored: str | None = None
    tone: Tone | None = None


class PostSubmitted(Event):
    """Topic moderation.posts.submitted.v1 — ingest accepted a post."""

    post: Post
    scored: Scores | None = Field(
        default=None, description="Present when the post was scored as it was submitted."
    )


class PostScored(Event):
    """Topic moderation.posts.scored.v1 — the classifier scored a post.

    `scores` holds a probability in [0, 1] per label the model can predict; a label the model
    cannot predict is absent, never a made-up 0.
    """

    post: Post
    scores: dict[str, float] = Field(examples=[{"toxicity": 0.02, "insult": 0.01}])
    model: ModelInfo
    normalized_text: str | None = Field(
        default=None, description="What was scored (term lists use it)."
    )
    language: Language | None = Field(
        default=None, description="The language the post was read as (absent from older events)."
    )
    unscored: str | None = Field(
        default=None,
        description="Why the post has no scores, when it has none: `language_not_supported` (no "
        "loaded model reads its language). Never a score of 0: its labels are missing.",
        examples=["language_not_supported"],
    )
    tone: Tone | None = Field(
        default=None,
        description="The post's tone, when its model reads tone (the multilingual model does; "
        "pulse reads English itself). Absent: not read, never neutral.",
    )

    @property
    def language_code(self) -> str | None:
        """The code it was read as (`und`: undetermined); None on events older than languages."""
        return self.language.code if self.language else None

    submitted_at: datetime | None = Field(
        default=None,
        description="When ingest accepted the post (its PostSubmitted's occurred_at): the start "
        "of the accepted-to-decided latency.",
    )


class Action(StrEnum):
    """What happens to the post, from lenient to severe."""

    ALLOW = "allow"
    LABEL = "label"
    HOLD = "hold"
    REMOVE = "remove"
    ESCALATE = "escalate"


class PolicyRef(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(examples=["default"])
    version: str = Field(examples=["1"])


class Reason(BaseModel):
    """One rule that matched, and the facts that made it match."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    rule: str = Field(examples=["severe-toxicity-remove"])
    action: Action
    detail: str = Field(default="", examples=["toxicity 0.97 >= 0.90"])


class SanctionKind(StrEnum):
    WARN = "warn"
    MUTE = "mute"
    SUSPEND = "suspend"
    BAN = "ban"


class Restriction(BaseModel):
    """DSA Art. 17(1): what was restricted, and for how long."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    visibility: str | None = Field(default=None, examples=["removed", "held", "labelled"])
    account: str | None = Field(default=None, examples=["warned", "muted", "suspended", "banned"])
    duration_hours: int | None = Field(default=None, description="None: indefinite or not timed.")


class StatementOfReasons(BaseModel):
    """The DSA Article 17 statement of reasons for a restrictive decision."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    restriction: Restriction
    facts: list[str] = Field(description="Facts and circumstances: scores and rules that matched.")
    automated_detection: bool = Field(description="Was the content detected by automated means?")
    automation: str = Field(examples=["fully_automated", "partly_automated", "human"])
    ground: str = Field(description="The policy clause applied (the contractual ground).")
    redress: str = Field(examples=["appeal via the platform within 14 days"])
    appeal_deadline: datetime | None = None


class Decision(Event):
    """Topic moderation.decisions.v1 — what happens to a post.

    `revision` 0 is the automated decision; moderator changes bump it. The event_id is derived
    from (post_id, revision), so a redelivered decision is recognisably the same one.
    """

    post_id: str
    tenant: str
    author_id: str
    community: str | None = None
    action: Action
    reasons: list[Reason] = Field(default_factory=list)
    scores: dict[str, float] = Field(default_factory=dict)
    model: ModelInfo | None = None
    policy: PolicyRef
    revision: int = Field(default=0, ge=0)
    decided_by: str = Field(default="automated", description="'automated' or a moderator id.")
    queue: str | None = Field(default=None, description="Moderator queue a case was opened in.")
    statement: StatementOfReasons | None = Field(default=None, description="For every non-allow.")
    crisis: bool = Field(
        default=False, description="Crisis mode applied: the policy's thresholds were tightened."
    )
    language: str | None = Field(
        default=None, description="The language the post was read as (`und`: undetermined)."
    )
    reply_to: str | None = Field(
        default=None, description="The post's `reply_to`, as submitted: the post it answers."
    )
    thread_id: str | None = Field(
        default=None, description="The post's `thread_id`, as submitted: its conversation."
    )


class ReporterFacts(BaseModel):
    """What the platform tells us about the member who reported."""

    trust: float | None = Field(
        default=None, ge=0, le=1, description="The platform's trust in this reporter, 0 to 1."
    )


class PostReported(Event):
    """Topic moderation.reports.v1 — a community member reported a post (written by ingest).

    One report per (post, reporter): `report_id` derives from both, so a repeat is the same
    report. Keyed like the post, so it is ordered with the post's other events.
    """

    report_id: str
    post_id: str
    tenant: str
    author_id: str = Field(description="The reported post's author.")
    reporter_id: str
    reason_code: str = Field(examples=["harassment", "spam", "threat"])
    text: str | None = Field(default=None, description="The reporter's own words, if any.")
    reporter: ReporterFacts = Field(default_factory=ReporterFacts)


class CaseEventKind(StrEnum):
    OPENED = "opened"
    CLAIMED = "claimed"
    UNCLAIMED = "unclaimed"
    RESOLVED = "resolved"
    APPEALED = "appealed"
    ESCALATED = "escalated"  # moved to another queue, by a moderator or by an SLA breach
    NOTED = "noted"
    REPORTED = "reported"  # a community member's report, counted on the case
    REJECTED = "rejected"  # a command that was not applied, with the reason
    ANSWERED = "answered"  # a complaint answered with a reply: the case closes
    RESPONDED = "responded"  # a reply to the post of a case that stays open (first response)


class CaseEvent(Event):
    """Topic moderation.case-events.v1 — one transition of a moderation case: the audit trail.

    A case's state is the fold of its events (services/escalation/domain/cases.py), so the Redis
    view of cases and queues can be rebuilt by replaying this topic.
    """

    case_id: str
    post_id: str
    tenant: str
    author_id: str
    community: str | None = None
    kind: CaseEventKind
    queue: str
    actor: str = Field(description="'system' or a moderator id.")
    reason: str = ""
    priority: int | None = None
    sla_deadline: datetime | None = None
    author_strikes: int | None = Field(
        default=None, description="On `opened`: the author's strikes the policy judged by."
    )
    resolution: Action | None = Field(default=None, description="What a resolution decided.")
    action_id: str | None = Field(
        default=None, description="The ModeratorAction (or, answered or responded, the reply) "
        "this answers.",
    )  # fmt: skip
    post: Post | None = Field(default=None, description="On `opened`: the post under review.")
    scores: dict[str, float] | None = Field(default=None, description="On `opened`: its scores.")
    language: str | None = Field(
        default=None, description="On `opened`: the language the post was read as (`und`: "
        "undetermined; absent from older events).",
    )  # fmt: skip
    report: PostReported | None = Field(default=None, description="On `reported`: the report.")
    report_count: int | None = Field(
        default=None, description="On `reported`: the post's counted reports, this one included."
    )
    labels: list[str] | None = Field(
        default=None,
        description="On `resolved`: the labels the rules that opened the case test (what the "
        "moderator's call says of the model); none for a case no automated rule opened.",
    )
    golden_id: str | None = Field(
        default=None,
        description="On `opened`: the golden case this one copies (a known answer mixed into "
        "the queue to check the checkers). Never shown to moderators; its resolution decides "
        "nothing about any post and is scored instead.",
    )


class Command(StrEnum):
    """What a moderator can do to a case: the one vocabulary the desk's roles, escalation's
    dispatch and the console's buttons are keyed by."""

    CLAIM = "claim"
    UNCLAIM = "unclaim"
    NOTE = "note"
    APPROVE = "approve"
    LABEL = "label"
    HOLD = "hold"
    REMOVE = "remove"
    SANCTION = "sanction"  # remove the post and sanction its author
    ESCALATE = "escalate"  # move the case to another queue
    APPEAL = "appeal"


# what resolving a case with each of these does to its post
RESOLUTIONS: dict[Command, Action] = {
    Command.APPROVE: Action.ALLOW,
    Command.LABEL: Action.LABEL,
    Command.HOLD: Action.HOLD,
    Command.REMOVE: Action.REMOVE,
    Command.SANCTION: Action.REMOVE,
}


class _CaseCommand(Event):
    action_id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    case_id: str
    tenant: str
    author_id: str
    moderator_id: str
    reason: str = ""


class PlainCommand(_CaseCommand):
    """A command that needs nothing more than the case."""

    command: Literal[
        Command.CLAIM,
        Command.UNCLAIM,
        Command.NOTE,
        Command.APPROVE,
        Command.LABEL,
        Command.HOLD,
        Command.REMOVE,
        Command.APPEAL,
    ]


class EscalateTo(BaseModel):
    queue: str = Field(min_length=1, examples=["safety-leads"])


class EscalateCommand(_CaseCommand):
    command: Literal[Command.ESCALATE]
    arguments: EscalateTo


class SanctionOrder(BaseModel):
    sanction: SanctionKind
    duration_hours: int | None = Field(default=None, ge=1)


class SanctionCommand(_CaseCommand):
    command: Literal[Command.SANCTION]
    arguments: SanctionOrder


# Topic moderation.moderator-actions.v1: a moderator's command on a case, one shape per
# command, told apart by `command` (records written before it was typed read the same way)
ModeratorAction = Annotated[
    PlainCommand | EscalateCommand | SanctionCommand, Field(discriminator="command")
]
_MODERATOR_ACTION: TypeAdapter[ModeratorAction] = TypeAdapter(ModeratorAction)


def moderator_action(**fields: Any) -> PlainCommand | EscalateCommand | SanctionCommand:
    """The command these fields describe (`command` picks its shape); ValidationError if they
    describe none."""
    return _MODERATOR_ACTION.validate_python(fields)


class StrikeEvent(Event):
    """Topic moderation.strikes.v1 — a strike added to (or removed from) an author's record.

    The strike id is the decision id that caused it, so a redelivered decision adds no second
    strike. Redis counts are rebuilt from this topic.
    """

    strike_id: str
    tenant: str
    community: str | None = None
    author_id: str
    weight: int = Field(default=1, ge=1)
    removed: bool = False
    post_id: str
    reason: str = ""
    window_days: int | None = Field(
        default=None, description="How long the strike counts, as the deciding policy says."
    )


class AuthorSanctioned(Event):
    """Topic moderation.sanctions.v1 — the author crossed a strike threshold; the platform acts."""

    tenant: str
    community: str | None = None
    author_id: str
    sanction: SanctionKind
    duration_hours: int | None = None
    strikes: int = Field(description="The author's strike count that triggered it.")
    policy: PolicyRef
    post_id: str
    decided_by: str = Field(default="automated", description="'automated' or a moderator id.")


class ShadowDecision(Event):
    """Topic moderation.shadow-decisions.v1 — what a candidate policy would have decided.

    Recorded and counted beside the live decision; it never acts (no case, strike or sanction).
    """

    post_id: str
    tenant: str
    author_id: str
    community: str | None = None
    policy: PolicyRef = Field(description="The shadow (candidate) policy.")
    action: Action
    reasons: list[Reason] = Field(default_factory=list)
    active_policy: PolicyRef
    active_action: Action


class DeadLetter(Event):
    """Topic moderation.dead-letter.v1 — a message a consumer could not handle, kept for replay."""

    service: str
    source_topic: str
    partition: int
    offset: int
    key: str | None = None
    payload: str = Field(description="The original value, decoded as UTF-8 with replacement.")
    error_kind: str = Field(examples=["undecodable", "invalid_schema", "unscorable"])
    error: str


class CredentialEvent(Event):
    """Topic moderation.credentials.v1 — an API key or moderator token issued or revoked.

    Only a SHA-256 of the secret is ever recorded; the secret itself is shown once, at issue.
    """

    credential_id: str = Field(examples=["k3f9a1c2d4e5b"])
    kind: Literal["api_key", "moderator_token"]
    tenant: str
    name: str = Field(description="A key's label, or the moderator's id.", examples=["forum-prod"])
    role: str | None = Field(
        default=None, examples=["triage", "community_manager", "moderator", "admin"]
    )
    scopes: list[str] = Field(default_factory=list, examples=[["decisions:read", "score"]])
    rate_limit_per_minute: int | None = Field(default=None, ge=1)
    secret_sha256: str
    revoked: bool = False
    expires_at: datetime | None = Field(
        default=None, description="After this it admits no one (moderator tokens); None: never."
    )
    actor: str = Field(default="cli", description="Who issued or revoked it.")


class WebhookEvent(Event):
    """Topic moderation.webhooks.v1 — a platform registered (or removed) a decision callback.

    The signing secret travels with the registration so a rebuilt gateway can still sign:
    restrict this topic to the gateway.
    """

    webhook_id: str
    tenant: str
    url: str
    secret: str
    removed: bool = False


class WebhookDeadLettered(Event):
    """Topic moderation.webhook-deliveries.v1 — a delivery gave up after its retries (or was
    replayed from the dead-letter list)."""

    delivery_id: str
    webhook_id: str
    tenant: str
    decision_id: str = Field(
        description="The id of the event delivered (decision, sanction or community alert)."
    )
    event_type: Literal["decision", "sanction", "community_alert", "reply"] = "decision"
    status: Literal["dead_lettered", "replayed"]
    attempts: int
    error: str = ""


class PolicyPublished(Event):
    """Topic moderation.policies.v1 — an admin published (or withdrew) a platform's policy.

    `name` is where it applies, as the policy files name it: `<tenant>` or `<tenant>/<community>`,
    with `.shadow` for a candidate. A published policy overrides a file of the same name; the
    global default stays a file. Every escalation replica replays this topic from the start.
    """

    tenant: str
    name: str = Field(examples=["acme", "acme/gaming", "acme.shadow"])
    text: str = Field(default="", description="The policy YAML (empty when withdrawn).")
    withdrawn: bool = False
    actor: str


class ScoreCurve(BaseModel):
    """A monotone map from our score to a Perspective-scale score, through its knots: linear
    between them, flat beyond the ends. Fitted by `make migrate-perspective` so that the share
    of a site's comments above each threshold stays what it was on Perspective."""

    ours: list[float] = Field(min_length=2, max_length=201, examples=[[0.0, 0.3, 1.0]])
    theirs: list[float] = Field(min_length=2, max_length=201, examples=[[0.0, 0.7, 1.0]])

    @model_validator(mode="after")
    def _monotone(self) -> ScoreCurve:
        if len(self.ours) != len(self.theirs):
            raise ValueError("ours and theirs need as many knots")
        for name, values, strict in (("ours", self.ours, True), ("theirs", self.theirs, False)):
            if any(not 0.0 <= v <= 1.0 for v in values):
                raise ValueError(f"{name}: every knot is between 0 and 1")
            if any(b < a or (strict and b == a) for a, b in pairwise(values)):
                order = "strictly increasing" if strict else "never decreasing"
                raise ValueError(f"{name}: knots must be {order}")
        return self

    def value(self, score: float) -> float:
        at = bisect.bisect_right(self.ours, score)
        if at == 0:
            return self.theirs[0]
        if at == len(self.ours):
            return self.theirs[-1]
        x0, x1, y0, y1 = self.ours[at - 1], self.ours[at], self.theirs[at - 1], self.theirs[at]
        return y0 + (y1 - y0) * (score - x0) / (x1 - x0)


class ScoreMapPublished(Event):
    """Topic moderation.score-maps.v1 — a platform's Perspective score map, one version: per
    Perspective attribute, the curve its scores go through on the Perspective endpoint (written
    by the gateway). Versions count up per tenant; the highest is live. A rollback publishes an
    earlier version's curves again as a new version (`restores`); a withdrawal (`withdrawn`,
    no curves) leaves scores unmapped."""

    tenant: str
    version: int = Field(ge=1)
    curves: dict[str, ScoreCurve] = Field(
        default_factory=dict,
        examples=[{"TOXICITY": {"ours": [0.0, 0.2, 1.0], "theirs": [0.05, 0.6, 1.0]}}],
    )
    fitted_on: dict[str, float | int | str] = Field(
        default_factory=dict, description="What the map was fitted on (rows, source), as sent."
    )
    restores: int | None = None
    withdrawn: bool = False
    actor: str = Field(description="The API key that published it.")


class LabeledExample(Event):
    """Topic moderation.labeled-examples.v1 — a text with what someone says its labels are:
    for training and calibrating the model (the feedback loop).

    `text` is absent when the sender asked that nothing be stored (`doNotStore`).
    """

    example_id: str
    tenant: str
    source: str = Field(
        examples=["perspective_suggestscore", "moderator_review", "moderator_appeal"]
    )
    post_id: str | None = Field(default=None, description="The post, when it came through here.")
    labels: dict[str, float] = Field(description="Label -> the score it should have, 0 to 1.")
    text: str | None = None
    community: str | None = None
    languages: list[str] = Field(default_factory=list)
    client_token: str | None = None


class AuthorStrikes(BaseModel):
    author_id: str
    strikes: int


class MoodWindow(Event):
    """Topic moderation.mood.v1 — one community's mood over one closed window (written by
    pulse). The event id is derived from (tenant, community, window, start): a window published
    twice is recognisably the same one."""

    tenant: str
    community: str | None = None
    window_seconds: int = Field(examples=[300])
    starts_at: datetime
    ends_at: datetime
    volume: int = Field(ge=0, description="Posts scored in the window.")
    toxic: int = Field(ge=0, description="Posts the model found toxic.")
    negative: int = Field(ge=0, description="Toxic, or negative in tone: what a wave counts.")
    civil_negative: int = Field(ge=0, description="Negative in tone but not toxic: criticism.")
    positive: int = Field(ge=0, default=0)
    tone_unread: int = Field(
        ge=0, default=0,
        description="Posts whose tone nothing read (a language neither the classifier's tone "
        "nor pulse's English lexicon reads): counted toxic or not, never negative in tone.",
    )  # fmt: skip
    actioned: int = Field(ge=0, description="Posts the policy did more than allow.")
    samples: list[str] = Field(default_factory=list, description="Some negative posts' ids.")
    strikes: int = Field(default=0, description="Strikes given in the window (net of removals).")
    top_authors: list[AuthorStrikes] = Field(
        default_factory=list, description="The authors with most strikes in the window."
    )


class CommunityAlertKind(StrEnum):
    WAVE_STARTED = "wave_started"
    WAVE_ESCALATED = "wave_escalated"
    WAVE_ENDED = "wave_ended"
    PILE_ON_STARTED = "pile_on_started"  # many members' negative replies aimed at one member
    PILE_ON_ENDED = "pile_on_ended"

    @property
    def pile_on(self) -> bool:
        return self in (CommunityAlertKind.PILE_ON_STARTED, CommunityAlertKind.PILE_ON_ENDED)


class CommunityAlert(Event):
    """Topic moderation.community-alerts.v1 — a negativity wave in one community started, grew
    or ended (written by pulse), with the evidence: the window's rates against the community's
    normal and some of the posts."""

    tenant: str
    community: str | None = None
    kind: CommunityAlertKind
    window_seconds: int
    wave_started_at: datetime
    at: datetime = Field(description="The end of the window that raised it.")
    volume: int
    negative: int
    rate: float
    baseline: float = Field(description="The community's normal negative rate.")
    surprise: float = Field(description="-log10 of the chance of the window under the normal.")
    samples: list[str] = Field(default_factory=list)
    target: str | None = Field(
        default=None, description="A pile-on's: the member the replies are aimed at."
    )
    authors: int | None = Field(
        default=None, description="A pile-on's: distinct members whose replies were negative."
    )


class CrisisCommand(Event):
    """Topic moderation.crisis-commands.v1 — an admin moderator switches a community's crisis
    mode on or off by hand (written by the desk; escalation applies it)."""

    tenant: str
    community: str | None = None
    on: bool
    moderator_id: str
    reason: str = ""


class CrisisSource(StrEnum):
    WAVE = "wave"  # pulse's alert, under a policy with `crisis.automatic`
    MODERATOR = "moderator"


class CrisisChanged(Event):
    """Topic moderation.crisis.v1 — a community's crisis mode as escalation applies it to the
    next posts (written by escalation; every replica replays it). While it is on, the policy's
    thresholds are multiplied by `crisis.factor`."""

    tenant: str
    community: str | None = None
    on: bool
    source: CrisisSource
    actor: str = Field(description="The moderator, or 'pulse' for a wave.")
    reason: str = ""
    cause_id: str = Field(description="The CrisisCommand's or the CommunityAlert's event id.")


class ShieldSource(StrEnum):
    PILE_ON = "pile_on"  # pulse's alert, under a policy with `shield.automatic`
    MODERATOR = "moderator"


class ShieldCommand(Event):
    """Topic moderation.shield-commands.v1 — an admin moderator shields a member in a community
    by hand, or lifts a shield (written by the desk; escalation applies it)."""

    tenant: str
    community: str | None = None
    member: str
    on: bool
    moderator_id: str
    reason: str = ""


class ShieldChanged(Event):
    """Topic moderation.shields.v1 — a member shielded from a pile-on in a community, or no
    longer (written by escalation: on pulse's pile-on alerts under a policy with
    `shield.automatic`, or on an admin's ShieldCommand; every replica replays it). While it is
    on, replies and mentions aimed at the member in that community are judged with the policy's
    thresholds multiplied by `shield.factor`, and new accounts' replies are held. A pile-on's
    end lifts only a shield a pile-on switched on."""

    tenant: str
    community: str | None = Field(
        default=None, description="Where the member is shielded (None: posts with no community)."
    )
    member: str = Field(description="The member shielded.")
    on: bool
    source: ShieldSource = ShieldSource.PILE_ON
    actor: str = Field(default="pulse", description="The moderator, or 'pulse' for a pile-on.")
    reason: str = ""
    cause_id: str = Field(description="The CommunityAlert's or ShieldCommand's event id.")


class ReporterMuted(Event):
    """Topic moderation.reporter-mutes.v1 — a moderator muted a member whose reports are
    consistently rejected, or unmuted them (written by the desk; every escalation replica
    replays it). A muted member's reports are recorded and never counted: they open no case and
    raise no priority. `until`: when the mute lapses by itself (None: until unmuted)."""

    tenant: str
    reporter_id: str
    muted: bool
    moderator_id: str
    reason: str = ""
    until: datetime | None = None

    def in_force(self, at: datetime) -> bool:
        return self.muted and (self.until is None or at < self.until)


class GoldenCase(Event):
    """Topic moderation.golden.v1 — an admin marked a resolved case as golden, with the call it
    should get (written by the desk; every escalation replica replays it). Escalation mixes
    copies of golden cases into the queues, unmarked, at the policy's `golden.every`.
    `withdrawn`: no more copies of it."""

    tenant: str
    case_id: str = Field(description="The case marked golden.")
    post: Post
    scores: dict[str, float] = Field(default_factory=dict)
    reason: str = Field(default="", description="Why the case was opened (its rules).")
    expected: Action
    marked_by: str
    withdrawn: bool = False


class GoldenScored(Event):
    """Topic moderation.golden-scores.v1 — a moderator resolved a copy of a golden case: their
    call against the expected one (written by escalation)."""

    tenant: str
    golden_id: str = Field(description="The golden case copied.")
    case_id: str = Field(description="The copy the moderator resolved.")
    moderator_id: str
    expected: Action
    called: Action
    correct: bool


class ReplyWritten(Event):
    """Topic moderation.replies.v1 — a community manager or moderator answered a post (written
    by outreach). The gateway hands it to the platform (feed, SSE, webhooks: `type: reply`) to
    post as its staff account; escalation records it on the post's case, and a reply in a
    complaints queue answers and closes the case. `reply_id` derives from what makes the reply
    one (the case, or the theme and post), so a retried send delivers nothing twice."""

    reply_id: str
    tenant: str
    post_id: str = Field(description="The post answered (the parent of the reply).")
    post_author_id: str = Field(description="Its author: the member the reply is for.")
    community: str | None = None
    text: str
    author_role: str = Field(examples=["moderator", "admin"])
    written_by: str = Field(description="The moderator or community manager's id.")
    case_id: str | None = Field(default=None, description="The case it answers, if any.")
    theme: str | None = Field(
        default=None, description="The feedback theme it closes the loop on, if any."
    )
    template: str | None = Field(default=None, description="The template it was written from.")


class ReplyTemplateChanged(Event):
    """Topic moderation.reply-templates.v1 — an admin saved or removed a reply template
    (written by outreach, which keeps them). `community` None: for every community."""

    tenant: str
    community: str | None = None
    name: str
    text: str = ""
    removed: bool = False
    actor: str


class ThemeStatus(StrEnum):
    NEW = "new"
    FORWARDED = "forwarded"  # handed to the product team
    PLANNED = "planned"
    FIXED = "fixed"
    DECLINED = "declined"


class ThemeChanged(Event):
    """Topic moderation.themes.v1 — a theme of a community's feedback digest as the product
    team owns it: its status, owner and tracker link (written by outreach; pulse shows it in the
    digest). A theme is named as the digest names it: its phrase and language."""

    tenant: str
    community: str | None = None
    theme: str = Field(examples=["dark mode"])
    language: str | None = Field(default=None, description="As in the digest; None: undetermined.")
    status: ThemeStatus
    owner: str | None = Field(default=None, description="Who on the product team has it.")
    tracker_url: str | None = Field(default=None, description="The team's issue for it.")
    note: str = ""
    actor: str


class DigestSubscription(Event):
    """Topic moderation.digest-subscriptions.v1 — an admin asked for a community's feedback
    digest to be delivered on a schedule, by e-mail (`to`: addresses) or to a chat incoming
    webhook (`to`: its URL; Slack-, Mattermost- and Teams-compatible JSON, signed with
    `secret`), or stopped it (`removed`) (written by outreach, which delivers it)."""

    subscription_id: str
    tenant: str
    community: str | None = None
    channel: Literal["email", "chat"]
    to: list[str] = Field(default_factory=list)
    every: Literal["daily", "weekly"] = "weekly"
    report: Literal["digest", "health"] = Field(
        default="digest", description="The feedback digest, or the community health report."
    )
    at_hour: int = Field(default=8, ge=0, le=23, description="The hour (UTC) it is sent at.")
    first_at: datetime | None = Field(
        default=None, description="The first delivery, if not the next `at_hour`."
    )
    secret: str = Field(default="", description="Signs chat deliveries (Moderation-Signature).")
    removed: bool = False
    actor: str
