"""What a candidate policy would have decided on posts already decided. Pure.

The posts are judged by their scores and community. Term lists and strike counts are not part
of what the gateway keeps for each decision, so rules that need them do not match here: the
dry run answers "what would these thresholds change", not a full replay (that is the backtest
over the scored-posts topic).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from services.contracts.events import Decision
from services.policy.language import Policy, PostFacts, evaluate


@dataclass(frozen=True)
class Change:
    post_id: str
    before: str
    after: str
    rules: tuple[str, ...]
    scores: dict[str, float]


@dataclass(frozen=True)
class DryRun:
    examined: int
    changed: int
    transitions: dict[str, int]  # "allow -> hold": how many
    examples: list[Change] = field(default_factory=list)


def dry_run(decisions: list[Decision], candidate: Policy, examples: int = 50) -> DryRun:
    """Judge each automated decision again under `candidate` and count what changes."""
    transitions: Counter[str] = Counter()
    changes: list[Change] = []
    automated = [d for d in decisions if d.revision == 0 and d.scores]
    for decision in automated:
        verdict = evaluate(
            PostFacts(scores=decision.scores, community=decision.community), candidate
        )
        if verdict.action == decision.action:
            continue
        transitions[f"{decision.action.value} -> {verdict.action.value}"] += 1
        if len(changes) < examples:
            rules = tuple(r.rule for r in verdict.reasons)
            changes.append(
                Change(decision.post_id, decision.action.value, verdict.action.value, rules,
                       dict(decision.scores))
            )  # fmt: skip
    return DryRun(len(automated), sum(transitions.values()), dict(transitions), changes)
