"""A candidate policy replayed on history: what changes against what the active policy
decides, how each rule fares against moderators' calls, and the workload it makes. Pure.

Each scored post is judged by the candidate on its scores, text, community and author facts;
strike counts are not replayed (every author starts clean), so rules on strikes match less
than they did live. The active side is a verdict per post: the policy in force judged again
(the CLI), or the decision made live (the admin API). Moderators' calls are the resolutions of
the cases that were opened: a post a moderator restricted is toxic, one they approved is not.
Precision and recall are estimated on those posts only (the posts nobody reviewed have no
truth), so recall is recall of what reached a moderator.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from services.contracts.events import Action, PostScored
from services.policy.language import Policy, PostFacts, Verdict, evaluate

DAY = 86400.0


@dataclass(frozen=True)
class Judged:
    matched: frozenset[str]  # restricting rules that matched
    truth: bool | None  # a moderator restricted it (None: never reviewed)


def restricting(verdict: Verdict) -> frozenset[str]:
    """The matched rules that restrict (routing rules are not right or wrong about anything)."""
    return frozenset(r.rule for r in verdict.reasons if r.action is not Action.ALLOW)


def rule_table(judged: list[Judged], rules: Iterable[str]) -> dict[str, dict]:
    table = {}
    for rule in sorted(set(rules)):
        hits = [j for j in judged if rule in j.matched]
        tp = sum(1 for j in hits if j.truth is True)
        fp = sum(1 for j in hits if j.truth is False)
        missed = sum(1 for j in judged if j.truth is True and rule not in j.matched)
        table[rule] = {
            "matched": len(hits),
            "precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / (tp + missed), 4) if tp + missed else None,
            "judged": tp + fp,
        }
    return table


@dataclass
class Backtest:
    candidate: Policy
    posts: int = 0
    days: float = 0.0
    changed: Counter[str] = field(default_factory=Counter)  # "allow -> hold": how many
    judged_candidate: list[Judged] = field(default_factory=list)
    judged_active: list[Judged] = field(default_factory=list)
    candidate_cases: Counter[str] = field(default_factory=Counter)  # per queue
    active_cases: Counter[str] = field(default_factory=Counter)
    examples: list[dict] = field(default_factory=list)

    def view(self) -> dict:
        per_day = max(self.days, 1.0 / 24)  # at least an hour, so a short replay is not inflated
        candidate_rules = [r.id for r in self.candidate.rules if r.action is not Action.ALLOW]
        active_rules = set().union(*(j.matched for j in self.judged_active))
        return {
            "posts": self.posts,
            "days": round(self.days, 3),
            "decisions_changed": sum(self.changed.values()),
            "transitions": dict(self.changed.most_common()),
            "rules": {
                "candidate": rule_table(self.judged_candidate, candidate_rules),
                "active": rule_table(self.judged_active, active_rules),
            },
            "cases_per_day": {
                "candidate": {q: round(n / per_day, 1) for q, n in sorted(self.candidate_cases.items())},
                "active": {q: round(n / per_day, 1) for q, n in sorted(self.active_cases.items())},
            },
            "examples": self.examples,
        }  # fmt: skip


def judge_again(active_for: Callable[[str, str | None], Policy]) -> Callable[[PostScored], Verdict]:
    """The active side as the policy in force judges the post now."""
    return lambda scored: evaluate(
        facts_of(scored), active_for(scored.post.tenant, scored.post.community)
    )


def facts_of(scored: PostScored) -> PostFacts:
    post = scored.post
    return PostFacts(scores=scored.scores, text=scored.normalized_text or post.text,
                     community=post.community, author=post.author)  # fmt: skip


def backtest(
    history: Iterable[PostScored],
    candidate: Policy,
    active: Callable[[PostScored], Verdict | None],
    outcomes: dict[str, bool],  # post id -> whether a moderator restricted it
    examples: int = 20,
) -> Backtest:
    found = Backtest(candidate)
    first = last = None
    for scored in history:
        old = active(scored)
        if old is None:
            continue  # no live decision to compare with
        post, at = scored.post, scored.occurred_at.timestamp()
        first, last = min(first or at, at), max(last or at, at)
        new, truth = evaluate(facts_of(scored), candidate), outcomes.get(post.post_id)
        found.posts += 1
        found.judged_candidate.append(Judged(restricting(new), truth))
        found.judged_active.append(Judged(restricting(old), truth))
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
