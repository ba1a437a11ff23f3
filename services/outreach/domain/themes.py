"""Closing the loop on a fixed theme: one reply to each member whose remark the theme took, on
their latest such post, never twice to the same member for the same theme. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from services.contracts.events import Decision, ThemeStatus
from services.outreach.domain.replies import refusal, reply_id_for


@dataclass(frozen=True)
class Told:
    post_id: str
    author_id: str
    reply_id: str


def may_tell(ownership: dict | None) -> str | None:
    """Why the members cannot be told yet (None: they can)."""
    status = ownership["status"] if ownership else ThemeStatus.NEW.value
    if status != ThemeStatus.FIXED.value:
        return f"the theme is {status}: mark it fixed first"
    return None


def to_tell(members: list[dict], tenant: str, community: str | None, language: str | None,
            theme: str, most: int) -> tuple[list[Told], int]:  # fmt: skip
    """Each member once (their newest post in the theme: `members` come newest first), at most
    `most`; and how many members there were in all. A remark kept before authors were is left
    out: there is no one to address."""
    latest: dict[str, str] = {}
    for member in members:
        if member["author_id"]:
            latest.setdefault(member["author_id"], member["post_id"])
    where = ("theme", tenant, community or "", language or "", theme)
    told = [Told(post, author, reply_id_for(*where, author)) for author, post in latest.items()]
    return told[:most], len(told)


def answerable(told: list[Told], latest: dict[str, Decision], tenant: str) -> list[Told]:
    """Those whose post can still be answered: decided for this platform and not removed since
    (a removed remark has no thread left to answer under)."""
    return [one for one in told
            if one.post_id in latest and refusal([latest[one.post_id]], tenant) is None]  # fmt: skip
