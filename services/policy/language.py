"""The governance policy as data, and the engine that applies it. Pure: no I/O, deterministic.

Semantics (what docs/policy-reference.md and `policy check` document):
- A rule matches when every condition in its `when` holds. A label the model did not score never
  satisfies a threshold.
- The most severe matched action wins (allow < label < hold < remove < escalate); ties go to
  the rule written first. Every matched rule is listed as a reason, most severe first.
- Crisis mode (the community is listed in `crisis.communities`, or escalation switched it on:
  by an admin moderator's hand, or on a negativity wave when `crisis.automatic` is set)
  multiplies every score threshold by `crisis.factor` (< 1), so the same scores give equal or
  stricter actions.
- A post aimed at a member shielded from a pile-on (`shield`) is judged with thresholds
  multiplied by the tighter of `shield.factor` and, in crisis, `crisis.factor`; and a reply from
  an account younger than `shield.hold_new_accounts_days` (as the platform states its age) is
  held by the `pile-on-shield` rule.
- Deny terms are matched as whole words on the normalized text, after the spans of allow terms
  are blanked out ("Scunthorpe" on the allow list keeps a deny term inside it from firing).
- `below` (a score must stay under a value) is only allowed on `allow` rules, which route a post
  to a queue without restricting it; that keeps "a higher score never gives a more lenient
  action" true for every policy that passes validation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.contracts.events import LABELS, Action, AuthorFacts, PolicyRef, Reason, SanctionKind

SEVERITY: dict[Action, int] = {
    Action.ALLOW: 0,
    Action.LABEL: 1,
    Action.HOLD: 2,
    Action.REMOVE: 3,
    Action.ESCALATE: 4,
}
CASE_ACTIONS = (Action.HOLD, Action.ESCALATE)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known_labels(scores: dict[str, float]) -> dict[str, float]:
    unknown = sorted(set(scores) - set(LABELS))
    if unknown:
        raise ValueError(f"unknown labels {unknown}; known: {list(LABELS)}")
    if any(not 0.0 <= v <= 1.0 for v in scores.values()):
        raise ValueError("thresholds are probabilities between 0 and 1")
    return scores


class AuthorCondition(_Strict):
    max_account_age_days: int | None = Field(
        default=None, ge=0, description="the author's account is at most this many days old"
    )
    max_trust_level: int | None = Field(
        default=None, ge=0, description="the platform's trust level for the author is at most this"
    )
    min_prior_sanctions: int | None = Field(
        default=None, ge=0, description="the platform says the author had at least this many"
    )


class ReportCondition(_Strict):
    """Community members' reports of the post. Only reports with one of `reasons` (when set)
    and from reporters trusted at least `min_reporter_trust` (when set) count."""

    min_reports: int | None = Field(default=None, ge=1, description="reports that count, at least")
    min_distinct_reporters: int | None = Field(
        default=None, ge=1, description="members who reported it, at least"
    )
    reasons: list[str] | None = Field(default=None, description="only reports with these reasons")
    min_reporter_trust: float | None = Field(
        default=None, ge=0, le=1, description="only reports from members trusted at least this"
    )


class When(_Strict):
    scores: dict[str, float] = Field(default_factory=dict, description="every label >= value")
    any_scores: dict[str, float] = Field(default_factory=dict, description="some label >= value")
    below: dict[str, float] = Field(default_factory=dict, description="every label < value")
    author: AuthorCondition | None = Field(default=None, description="facts about the author")
    min_strikes: int | None = Field(
        default=None, ge=0, description="the author holds at least this many live strikes"
    )
    communities: list[str] | None = Field(
        default=None, description="the post is in one of these communities"
    )
    deny_terms: bool = Field(default=False, description="true: the text has a `terms.deny` term")
    any_words: list[str] | None = Field(default=None, description="some of these words in the text")
    reports: ReportCondition | None = Field(default=None, description="members' reports of it")
    unscored: bool | None = Field(
        default=None, description="true: the post has no scores (no model reads its language)"
    )
    languages: list[str] | None = Field(
        default=None, description="the post was read as one of these languages (`und` too)"
    )
    shielded: bool | None = Field(
        default=None,
        description="true: the post replies to or mentions a member shielded from a pile-on",
    )

    _labels = field_validator("scores", "any_scores", "below")(_known_labels)


class Rule(_Strict):
    id: str = Field(
        min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$", description="named in reasons and metrics"
    )
    action: Action = Field(description="what a match does; the most severe match wins")
    when: When = Field(description="every condition given must hold")
    clause: str = Field(
        default="", description="The policy clause cited in the statement of reasons."
    )
    queue: str | None = Field(
        default=None,
        description="the queue a case opens in (hold, escalate) or a post is routed to",
    )
    priority: int | None = Field(
        default=None, ge=0, le=9, description="the case's priority; the queue's when unset"
    )
    strikes: int = Field(default=0, ge=0, description="strikes the author gets")

    @model_validator(mode="after")
    def _coherent(self) -> Rule:
        if self.when.below and self.action is not Action.ALLOW:
            raise ValueError("`below` is only allowed on allow rules (routing without restriction)")
        if self.action is not Action.ALLOW and not self.clause:
            raise ValueError("a restrictive rule needs a `clause` for the statement of reasons")
        if self.when.reports is not None and self.action is not Action.ESCALATE:
            raise ValueError(
                "a rule on reports brings the post to a moderator: its action must be `escalate`"
            )
        return self


class Queue(_Strict):
    priority: int = Field(default=5, ge=0, le=9, description="0 is the most urgent")
    sla_minutes: float = Field(gt=0, description="a case is due within this many minutes")
    escalate_to: str | None = Field(
        default=None, description="where a case goes when it breaches its SLA"
    )
    response_sla_minutes: float | None = Field(
        default=None,
        gt=0,
        description="A complaints queue: its cases are answered with a reply, which closes "
        "them as `answered`, due within this many minutes; unanswered past it they escalate "
        "like any SLA breach.",
    )

    @property
    def complaints(self) -> bool:
        return self.response_sla_minutes is not None

    @property
    def due_minutes(self) -> float:
        """When a case that enters the queue is due: answered (a complaint) or resolved."""
        return min(self.sla_minutes, self.response_sla_minutes or self.sla_minutes)


class SanctionStep(_Strict):
    at: int = Field(ge=1, description="strike count that triggers it")
    sanction: SanctionKind = Field(description="what the author gets")
    duration_hours: int | None = Field(
        default=None, gt=0, description="how long a mute or suspension lasts"
    )


class Strikes(_Strict):
    window_days: int = Field(default=90, gt=0, description="a strike counts for this many days")
    ladder: list[SanctionStep] = Field(
        default_factory=list, description="sanctions by strike count, ascending"
    )

    @field_validator("ladder")
    @classmethod
    def _ascending(cls, ladder: list[SanctionStep]) -> list[SanctionStep]:
        if [s.at for s in ladder] != sorted({s.at for s in ladder}):
            raise ValueError("ladder steps must have strictly ascending `at`")
        return ladder


# Every post is searched for every term (escalation's hot path): the lists are bounded so a
# post's cost stays linear in its length with a small factor.
MAX_TERMS = 1_000
Term = Annotated[str, Field(min_length=1, max_length=100)]


class Terms(_Strict):
    allow: list[Term] = Field(
        default_factory=list, max_length=MAX_TERMS, description="words never read as deny terms"
    )
    deny: list[Term] = Field(
        default_factory=list, max_length=MAX_TERMS, description="terms `deny_terms` rules match"
    )


class Crisis(_Strict):
    communities: list[str] = Field(
        default_factory=list, description="communities always in crisis mode"
    )
    factor: float = Field(
        default=0.8, gt=0.0, le=1.0, description="score thresholds are multiplied by this"
    )
    automatic: bool = Field(
        default=False,
        description="a negativity wave pulse detects switches the community into crisis mode "
        "until the wave ends",
    )


class Shield(_Strict):
    """A member under a pile-on (pulse detects it) is shielded: replies and mentions aimed at
    them are judged with thresholds multiplied by `factor`, and replies from accounts younger
    than `hold_new_accounts_days` are held in `queue` (the default queue when unset)."""

    automatic: bool = Field(
        default=False, description="a pile-on pulse detects shields its target until it ends"
    )
    factor: float = Field(
        default=0.8, gt=0.0, le=1.0, description="thresholds for posts aimed at the member"
    )
    hold_new_accounts_days: int | None = Field(
        default=7, ge=0, description="replies from accounts this young are held"
    )
    queue: str | None = Field(default=None, description="where held replies go")
    clause: str = Field(
        description="cited in the statement of reasons of a held reply",
        default="Pile-on shield: replies from new accounts to a member under a pile-on are held "
        "for review",
        min_length=1,
    )


SHIELD_RULE = "pile-on-shield"


class Golden(_Strict):
    every: int | None = Field(
        default=None,
        ge=1,
        description="one copy of a golden case (a known answer) mixed into the queue per this "
        "many cases the policy opens; none when unset or no case is marked golden",
    )


class Reports(_Strict):
    per_reporter_per_day: int = Field(
        default=20, ge=1, description="reports one member may file a day; more are ignored"
    )
    upheld_strikes: int = Field(
        default=1, ge=0, description="strikes for the author when a moderator upholds a report"
    )


class Policy(_Strict):
    id: str = Field(min_length=1, description="the policy's name (a file's name without .yaml)")
    version: str = Field(min_length=1, description="recorded on every decision it makes")
    description: str = ""
    appeal_days: int = Field(default=14, gt=0, description="how long a decision can be appealed")
    default_queue: str = Field(default="general", description="cases of rules without a queue")
    queues: dict[str, Queue] = Field(default_factory=dict, description="by name")
    strikes: Strikes = Field(default_factory=Strikes)
    terms: Terms = Field(default_factory=Terms)
    crisis: Crisis = Field(default_factory=Crisis, description="tighter thresholds in a crisis")
    shield: Shield = Field(default_factory=Shield, description="members under a pile-on")
    golden: Golden = Field(default_factory=Golden, description="known answers mixed into queues")
    reports: Reports = Field(default_factory=Reports, description="members' reports")
    rules: list[Rule] = Field(description="the most severe match wins; of equals, the first")

    @model_validator(mode="after")
    def _references(self) -> Policy:
        ids = [rule.id for rule in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate rule ids: {sorted({i for i in ids if ids.count(i) > 1})}")
        queues = set(self.queues)
        wanted = (
            {r.queue for r in self.rules if r.queue} | {self.default_queue}
            if self.queues
            else set()
        )
        wanted |= {q.escalate_to for q in self.queues.values() if q.escalate_to}
        if self.queues and self.shield.queue:
            wanted.add(self.shield.queue)
        if missing := sorted(wanted - queues):
            raise ValueError(f"queues used but not defined: {missing}")
        return self

    @property
    def ref(self) -> PolicyRef:
        return PolicyRef(id=self.id, version=self.version)

    @property
    def shield_rule(self) -> Rule | None:
        """What a shield adds to the rules: new accounts' replies held."""
        days = self.shield.hold_new_accounts_days
        if days is None:
            return None
        return Rule(id=SHIELD_RULE, action=Action.HOLD, clause=self.shield.clause,
                    queue=self.shield.queue,
                    when=When(author=AuthorCondition(max_account_age_days=days)))  # fmt: skip


@dataclass(frozen=True)
class ReportFact:
    reporter_id: str
    reason_code: str
    trust: float | None = None


@dataclass(frozen=True)
class PostFacts:
    """Everything the engine looks at for one post."""

    scores: dict[str, float]
    text: str = ""  # normalized text, for term lists
    community: str | None = None
    author: AuthorFacts | None = None
    strikes: int = 0
    reports: tuple[ReportFact, ...] = ()  # the reports that count (duplicates and capped left out)
    crisis: bool = False  # crisis mode switched on for the community (by hand or by a wave)
    shielded: bool = False  # aimed at a member shielded from a pile-on
    language: str | None = None  # what the post was read as (`und`: undetermined)
    unscored: str | None = None  # why it has no scores, when it has none


@dataclass(frozen=True)
class Verdict:
    action: Action
    reasons: tuple[Reason, ...] = ()
    clause: str = ""
    queue: str | None = None  # set when a case is opened (hold/escalate) or a post is routed
    priority: int | None = None
    sla_minutes: int | None = None
    strikes: int = 0
    matched: tuple[str, ...] = field(default=())
    crisis: bool = False  # the thresholds were tightened by crisis mode
    shielded: bool = False  # by a member's pile-on shield


_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> str:
    """Lower-cased words joined by single spaces, padded, so ' term ' finds whole words."""
    return " " + " ".join(_WORD.findall(text.lower())) + " "


def deny_hits(text: str, terms: Terms) -> list[str]:
    padded = _words(text)
    for allowed in terms.allow:
        padded = padded.replace(_words(allowed), " " * len(_words(allowed)))
    return [term for term in terms.deny if _words(term) in padded]


def _author_ok(condition: AuthorCondition | None, author: AuthorFacts | None) -> bool:
    if condition is None:
        return True
    author = author or AuthorFacts()
    checks = (
        (condition.max_account_age_days, author.account_age_days, lambda limit, v: v <= limit),
        (condition.max_trust_level, author.trust_level, lambda limit, v: v <= limit),
        (condition.min_prior_sanctions, author.prior_sanctions, lambda limit, v: v >= limit),
    )
    return all(
        limit is None or (value is not None and test(limit, value)) for limit, value, test in checks
    )


def _facts(rule: Rule, post: PostFacts, policy: Policy, factor: float) -> list[str] | None:
    """The facts that make the rule match, or None when it does not."""
    when, facts = rule.when, []
    for label, threshold in when.scores.items():
        score, limit = post.scores.get(label), threshold * factor
        if score is None or score < limit:
            return None
        facts.append(f"{label} {score:.2f} >= {limit:.2f}")
    if when.any_scores:
        hits = [
            f"{k} {post.scores[k]:.2f} >= {v * factor:.2f}"
            for k, v in when.any_scores.items()
            if post.scores.get(k, -1) >= v * factor
        ]
        if not hits:
            return None
        facts += hits
    for label, ceiling in when.below.items():
        score = post.scores.get(label)
        if score is None or score >= ceiling:
            return None
        facts.append(f"{label} {score:.2f} < {ceiling:.2f}")
    if when.communities is not None and post.community not in when.communities:
        return None
    if when.unscored is not None:
        if (post.unscored is not None) is not when.unscored:
            return None
        if post.unscored:
            facts.append(f"not scored: {post.unscored} (language {post.language})")
    if when.languages is not None:
        if post.language not in when.languages:
            return None
        facts.append(f"language {post.language}")
    if when.shielded is not None:
        if post.shielded is not when.shielded:
            return None
        facts.append(
            "aimed at a member shielded from a pile-on" if post.shielded else "not shielded"
        )
    if when.min_strikes is not None:
        if post.strikes < when.min_strikes:
            return None
        facts.append(f"author has {post.strikes} strikes >= {when.min_strikes}")
    if not _author_ok(when.author, post.author):
        return None
    if when.author:
        facts.append("author matches " + when.author.model_dump_json(exclude_none=True))
    if when.deny_terms:
        hits = deny_hits(post.text, policy.terms)
        if not hits:
            return None
        facts.append(f"deny terms: {', '.join(hits)}")
    if when.reports is not None:
        found = _report_facts(when.reports, post.reports)
        if found is None:
            return None
        facts.append(found)
    if when.any_words is not None:
        words = _words(post.text)
        hits = [w for w in when.any_words if _words(w) in words]
        if not hits:
            return None
        facts.append(f"words: {', '.join(hits)}")
    return facts


def _report_facts(condition: ReportCondition, reports: tuple[ReportFact, ...]) -> str | None:
    counted = [
        r
        for r in reports
        if (condition.reasons is None or r.reason_code in condition.reasons)
        and (
            condition.min_reporter_trust is None
            or (r.trust is not None and r.trust >= condition.min_reporter_trust)
        )
    ]
    reporters = len({r.reporter_id for r in counted})
    least = condition.min_reports or (1 if condition.min_distinct_reporters is None else 0)
    if len(counted) < least or reporters < (condition.min_distinct_reporters or 0):
        return None
    reasons = ", ".join(sorted({r.reason_code for r in counted}))
    return f"{len(counted)} reports ({reasons}) from {reporters} reporters"


def evaluate(post: PostFacts, policy: Policy, only_reports: bool = False) -> Verdict:
    """The verdict for a post. `only_reports`: just the rules on reports (what a new report
    can change; the rest were applied when the post was scored)."""
    crisis = post.crisis or post.community in policy.crisis.communities
    factor = min(policy.crisis.factor if crisis else 1.0,
                 policy.shield.factor if post.shielded else 1.0)  # fmt: skip
    tightened = " (" + " and ".join(
        ["crisis mode"] * crisis + ["pile-on shield"] * post.shielded) + ")"  # fmt: skip
    matched: list[tuple[Rule, Reason]] = []
    rules = [r for r in policy.rules if r.when.reports] if only_reports else policy.rules
    shield_rule = policy.shield_rule if post.shielded and not only_reports else None
    for rule in [*rules, *([shield_rule] if shield_rule else [])]:
        facts = _facts(rule, post, policy, factor)
        if facts is not None:
            detail = "; ".join(facts) + (tightened if factor < 1.0 or rule is shield_rule else "")
            matched.append((rule, Reason(rule=rule.id, action=rule.action, detail=detail)))
    if not matched:
        return Verdict(Action.ALLOW, crisis=crisis, shielded=post.shielded)
    matched.sort(key=lambda pair: -SEVERITY[pair[0].action])  # stable: ties keep file order
    winner = matched[0][0]
    queue = _queue_for(winner, [rule for rule, _ in matched], policy)
    spec = policy.queues.get(queue) if queue else None
    return Verdict(
        action=winner.action,
        reasons=tuple(reason for _, reason in matched),
        clause=winner.clause,
        queue=queue,
        priority=winner.priority
        if winner.priority is not None
        else (spec.priority if spec else None),
        sla_minutes=spec.due_minutes if spec else None,
        strikes=max((rule.strikes for rule, _ in matched), default=0),
        matched=tuple(rule.id for rule, _ in matched),
        crisis=crisis,
        shielded=post.shielded,
    )


def _queue_for(winner: Rule, matched: list[Rule], policy: Policy) -> str | None:
    if winner.action in CASE_ACTIONS:
        return winner.queue or policy.default_queue
    if winner.action is Action.ALLOW:  # routing only, e.g. civil feedback to the product team
        return next((rule.queue for rule in matched if rule.queue), None)
    return None
