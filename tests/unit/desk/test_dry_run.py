from __future__ import annotations

from services.contracts.events import Action, Decision, PolicyRef
from services.desk.domain.dryrun import dry_run
from services.policy.text import parse_policy

CANDIDATE = """
id: stricter
version: "2"
rules:
  - id: toxic-hold
    when: {scores: {toxicity: 0.5}}
    action: hold
    queue: review
    clause: Rule 2 (civility)
queues:
  review: {sla_minutes: 60}
  general: {sla_minutes: 240}
"""


def decided(post: str, action: Action, toxicity: float, revision: int = 0) -> Decision:
    return Decision(post_id=post, tenant="acme", author_id="u", action=action, revision=revision,
                    scores={"toxicity": toxicity}, policy=PolicyRef(id="default", version="1"))  # fmt: skip


def test_a_dry_run_counts_what_the_candidate_changes() -> None:
    decisions = [
        decided("p1", Action.ALLOW, 0.6),  # would now be held
        decided("p2", Action.ALLOW, 0.1),  # unchanged
        decided("p3", Action.HOLD, 0.9),  # unchanged
        decided("p4", Action.REMOVE, 0.7, revision=1),  # a moderator's decision: not judged
    ]
    result = dry_run(decisions, parse_policy(CANDIDATE))
    assert (result.examined, result.changed) == (3, 1)
    assert result.transitions == {"allow -> hold": 1}
    (change,) = result.examples
    assert (change.post_id, change.rules) == ("p1", ("toxic-hold",))
