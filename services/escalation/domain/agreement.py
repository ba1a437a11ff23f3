"""How often moderators agree with automation. Pure.

A case that automation opened (a hold or an escalation) and a moderator resolved is a review
of each rule that opened it: upheld when the moderator restricted the post (label, hold,
remove), overturned when they allowed it. Each label those rules test is reviewed with them.
An appeal decided is upheld when the restriction stays and overturned when the post is
allowed. The share upheld is the precision of automation; the share of appeals overturned,
its error the authors caught.

Cases routed without restricting anything (civil feedback) are no review of anything.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from services.contracts.cases import Case
from services.contracts.events import Action
from services.policy.language import Policy


class Kind(StrEnum):
    REVIEW = "review"  # the first moderator resolution
    APPEAL = "appeal"  # the resolution on appeal


class Outcome(StrEnum):
    UPHELD = "upheld"
    OVERTURNED = "overturned"


@dataclass(frozen=True)
class Review:
    kind: Kind
    outcome: Outcome
    rules: tuple[str, ...]
    labels: tuple[str, ...]


def labels_of(rules: tuple[str, ...], policy: Policy) -> tuple[str, ...]:
    tested: set[str] = set()
    for rule in policy.rules:
        if rule.id in rules:
            tested |= set(rule.when.scores) | set(rule.when.any_scores or {})
    return tuple(sorted(tested))


def review_of(before: Case | None, after: Case, policy: Policy) -> Review | None:
    """What a resolution says of the automation that opened the case (`after` is the case
    with the resolution folded in)."""
    if after.resolution is None or not after.rules:
        return None
    known = [rule for rule in policy.rules if rule.id in after.rules]
    if known and all(rule.action is Action.ALLOW for rule in known):
        return None  # routed only: nothing automated to agree with
    kind = Kind.APPEAL if after.appealed else Kind.REVIEW
    outcome = Outcome.OVERTURNED if after.resolution is Action.ALLOW else Outcome.UPHELD
    if kind is Kind.APPEAL and before is not None and before.resolution is Action.ALLOW:
        return None  # an appeal of an approval is not about automation
    return Review(kind, outcome, after.rules, labels_of(after.rules, policy))


@dataclass(frozen=True)
class Agreement:
    """Per rule and per label: reviews upheld and overturned, appeals upheld and overturned."""

    counts: Counter[tuple[str, str, Kind, Outcome]]  # (by "rule"|"label", name, kind, outcome)

    def rate(self, by: str, name: str, kind: Kind, outcome: Outcome) -> float | None:
        total = sum(self.counts[(by, name, kind, o)] for o in Outcome)
        return None if total == 0 else round(self.counts[(by, name, kind, outcome)] / total, 4)

    def table(self) -> list[dict]:
        names = sorted({(by, name) for by, name, _, _ in self.counts})
        return [
            {
                "by": by,
                "name": name,
                "reviewed": sum(self.counts[(by, name, Kind.REVIEW, o)] for o in Outcome),
                "precision": self.rate(by, name, Kind.REVIEW, Outcome.UPHELD),
                "appeals": sum(self.counts[(by, name, Kind.APPEAL, o)] for o in Outcome),
                "overturn_rate": self.rate(by, name, Kind.APPEAL, Outcome.OVERTURNED),
            }
            for by, name in names
        ]


def agreement(reviews: list[Review]) -> Agreement:
    counts: Counter[tuple[str, str, Kind, Outcome]] = Counter()
    for review in reviews:
        for rule in review.rules:
            counts[("rule", rule, review.kind, review.outcome)] += 1
        for label in review.labels:
            counts[("label", label, review.kind, review.outcome)] += 1
    return Agreement(counts)
