"""The policy engine: (post, scores, policy) -> verdict. Pure: no I/O, deterministic.

Semantics: every rule whose conditions all hold matches; the most severe matched action wins;
every matched rule is listed as a reason, most severe first. No match means `allow`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from services.contracts.events import LABELS, Action, PolicyRef, Reason

SEVERITY: dict[Action, int] = {
    Action.ALLOW: 0,
    Action.LABEL: 1,
    Action.HOLD: 2,
    Action.REMOVE: 3,
    Action.ESCALATE: 4,
}


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    action: Action
    when: dict[str, float] = Field(description="label -> minimum score; all must hold")

    def check_labels(self) -> None:
        unknown = set(self.when) - set(LABELS)
        if unknown:
            raise ValueError(f"rule {self.id}: unknown labels {sorted(unknown)}")


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: str
    rules: tuple[Rule, ...]

    @property
    def ref(self) -> PolicyRef:
        return PolicyRef(id=self.id, version=self.version)


@dataclass(frozen=True)
class Verdict:
    action: Action
    reasons: tuple[Reason, ...]


def load_policy(path: Path) -> Policy:
    policy = Policy.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    for rule in policy.rules:
        rule.check_labels()
    return policy


def _matches(rule: Rule, scores: dict[str, float]) -> str | None:
    """The facts that make the rule match, or None. A label the model did not score never matches."""
    facts = []
    for label, threshold in rule.when.items():
        score = scores.get(label)
        if score is None or score < threshold:
            return None
        facts.append(f"{label} {score:.2f} >= {threshold:.2f}")
    return ", ".join(facts)


def evaluate(scores: dict[str, float], policy: Policy) -> Verdict:
    matched = []
    for rule in policy.rules:
        facts = _matches(rule, scores)
        if facts is not None:
            matched.append(Reason(rule=rule.id, action=rule.action, detail=facts))
    if not matched:
        return Verdict(Action.ALLOW, ())
    matched.sort(key=lambda reason: -SEVERITY[reason.action])
    return Verdict(matched[0].action, tuple(matched))
