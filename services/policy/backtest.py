"""A candidate policy replayed on history: what changes against the active policy, how each
rule fares against moderators' calls, and the workload it makes. Pure.

Each scored post is judged by both policies on its scores, text, community and author facts;
strike counts are not replayed (every author starts clean), so rules on strikes match less
than they did live. Moderators' calls are the resolutions of the cases that were opened: a
post a moderator restricted is toxic, one they approved is not. Precision and recall are
estimated on those posts only (the posts nobody reviewed have no truth), so recall is recall
of what reached a moderator.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from services.contracts.events import Action, PostScored
from services.policy.language import Policy, PostFacts, Verdict, evaluate

DAY = 86400.0


@dataclass
class RuleTally:
    matched: int = 0
    true_positives: int = 0  # matched, and a moderator restricted the post
    false_positives: int = 0  # matched, and a moderator approved it
    missed: int = 0  # a moderator restricted it, the rule did not match

    def view(self) -> dict:
        judged = self.true_positives + self.false_positives
        found = self.true_positives + self.missed
        return {
            "matched": self.matched,
            "precision": round(self.true_positives / judged, 4) if judged else None,
            "recall": round(self.true_positives / found, 4) if found else None,
            "judged": judged,
        }


@dataclass
class Backtest:
    posts: int = 0
    days: float = 0.0
    changed: Counter[str] = field(default_factory=Counter)  # "allow -> hold": how many
    candidate_rules: dict[str, RuleTally] = field(default_factory=dict)
    active_rules: dict[str, RuleTally] = field(default_factory=dict)
    candidate_cases: Counter[str] = field(default_factory=Counter)  # per queue
    active_cases: Counter[str] = field(default_factory=Counter)
    examples: list[dict] = field(default_factory=list)

    def view(self) -> dict:
        per_day = max(self.days, 1.0 / 24)  # at least an hour, so a short replay is not inflated
        return {
            "posts": self.posts,
            "days": round(self.days, 3),
            "decisions_changed": sum(self.changed.values()),
            "transitions": dict(self.changed.most_common()),
            "rules": {
                "candidate": {r: t.view() for r, t in sorted(self.candidate_rules.items())},
                "active": {r: t.view() for r, t in sorted(self.active_rules.items())},
            },
            "cases_per_day": {
                "candidate": {q: round(n / per_day, 1) for q, n in sorted(self.candidate_cases.items())},
                "active": {q: round(n / per_day, 1) for q, n in sorted(self.active_cases.items())},
            },
            "examples": self.examples,
        }  # fmt: skip


def _tally(
    rules: dict[str, RuleTally], policy: Policy, verdict: Verdict, truth: bool | None
) -> None:
    matched = set(verdict.matched)
    for rule in policy.rules:
        if rule.action is Action.ALLOW:
            continue  # routing, not a restriction: nothing to be right or wrong about
        tally = rules.setdefault(rule.id, RuleTally())
        hit = rule.id in matched
        tally.matched += hit
        if truth is None:
            continue
        if hit:
            tally.true_positives += truth
            tally.false_positives += not truth
        elif truth:
            tally.missed += 1


def backtest(
    history: Iterable[PostScored],
    candidate: Policy,
    active_for: Callable[[str, str | None], Policy],
    outcomes: dict[str, bool],  # post id -> whether a moderator restricted it
    examples: int = 20,
) -> Backtest:
    found = Backtest()
    first = last = None
    for scored in history:
        post = scored.post
        at = scored.occurred_at.timestamp()
        first, last = min(first or at, at), max(last or at, at)
        facts = PostFacts(scores=scored.scores, text=scored.normalized_text or post.text,
                          community=post.community, author=post.author)  # fmt: skip
        new, old = (
            evaluate(facts, candidate),
            evaluate(facts, (active := active_for(post.tenant, post.community))),
        )
        truth = outcomes.get(post.post_id)
        found.posts += 1
        _tally(found.candidate_rules, candidate, new, truth)
        _tally(found.active_rules, active, old, truth)
        for verdict, cases in ((new, found.candidate_cases), (old, found.active_cases)):
            if verdict.queue:  # a hold or escalation, or a routed post: a case opens
                cases[verdict.queue] += 1
        if new.action != old.action:
            found.changed[f"{old.action.value} -> {new.action.value}"] += 1
            if len(found.examples) < examples:
                found.examples.append({
                    "post_id": post.post_id, "before": old.action.value, "after": new.action.value,
                    "rules": list(new.matched), "moderator_restricted": truth,
                })  # fmt: skip
    found.days = ((last or 0) - (first or 0)) / DAY
    return found
