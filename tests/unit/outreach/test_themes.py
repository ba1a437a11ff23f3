"""Closing the loop on a fixed theme: who is told, once each."""

from __future__ import annotations

from services.contracts.events import Action, Decision, PolicyRef
from services.outreach.domain.themes import Told, answerable, may_tell, to_tell


def test_only_a_fixed_theme_is_told():
    assert may_tell(None) == "the theme is new: mark it fixed first"
    assert "planned" in may_tell({"status": "planned"})
    assert may_tell({"status": "fixed"}) is None


def test_each_member_once_on_their_newest_post_and_at_most_so_many():
    members = [  # newest first, as pulse gives them
        {"post_id": "p4", "author_id": "cy"},
        {"post_id": "p3", "author_id": "bo"},
        {"post_id": "p2", "author_id": "cy"},
        {"post_id": "p1", "author_id": None},  # kept before authors were: no one to address
        {"post_id": "p0", "author_id": "ana"},
    ]
    told, total = to_tell(members, "t", "help", "en", "dark mode", most=10)
    assert total == 3
    assert [(t.author_id, t.post_id) for t in told] == [("cy", "p4"), ("bo", "p3"), ("ana", "p0")]
    again, _ = to_tell(members[::-1], "t", "help", "en", "dark mode", most=10)
    # the same member and theme give the same reply id, whichever post: never told twice
    assert {t.author_id: t.reply_id for t in told} == {t.author_id: t.reply_id for t in again}
    other, _ = to_tell(members, "t", "help", "en", "refund", most=10)
    assert {t.reply_id for t in told}.isdisjoint(t.reply_id for t in other)
    capped, total = to_tell(members, "t", "help", "en", "dark mode", most=2)
    assert len(capped) == 2 and total == 3


def test_a_member_whose_post_was_removed_since_or_never_decided_is_not_told():
    def decided(post_id: str, action: Action, tenant: str = "t") -> Decision:
        return Decision(post_id=post_id, tenant=tenant, author_id="x", action=action,
                        policy=PolicyRef(id="p", version="1"))  # fmt: skip

    told = [Told(f"p{n}", f"m{n}", f"r{n}") for n in range(4)]
    latest = {"p0": decided("p0", Action.ALLOW), "p1": decided("p1", Action.REMOVE),
              "p3": decided("p3", Action.ALLOW, tenant="other")}  # fmt: skip
    assert [one.post_id for one in answerable(told, latest, "t")] == ["p0"]
