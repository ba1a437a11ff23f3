"""Replies to members: templates with placeholders, and whether a post may be answered. Pure.

A template's placeholders are `{community}` and `{theme}`, filled when the reply is written
(members are known here only by the platform's ids: the platform addresses the reply to the
post's author itself); any other `{name}` is refused when the template is saved, so a reply
never goes out with a hole in it. Other braces are text. Filling is one pass (linear).
"""

from __future__ import annotations

import re

from services.contracts.events import Action, Decision, derived_id

PLACEHOLDERS = ("community", "theme")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def unknown_placeholders(text: str) -> list[str]:
    """The `{name}`s in the text that are not placeholders, in order, once each."""
    found = dict.fromkeys(m[1] for m in _PLACEHOLDER.finditer(text))
    return [name for name in found if name not in PLACEHOLDERS]


def filled(text: str, values: dict[str, str]) -> str:
    """The template with each placeholder replaced (a missing value reads as empty)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m[1], "") if m[1] in PLACEHOLDERS else m[0], text)


def refusal(history: list[Decision], tenant: str) -> tuple[int, str, str] | None:
    """Why the post cannot be answered (status, code, message), from its decisions as the
    gateway keeps them, newest last; None when it can."""
    if not history or history[-1].tenant != tenant:
        return 404, "post_not_found", "No decided post with this id is known for your platform."
    if history[-1].action is Action.REMOVE:
        return 409, "post_removed", "The post was removed: there is nothing to answer under."
    return None


def reply_id_for(*what: str) -> str:
    """A reply's id from what makes it one (the case or post, who wrote it, the text): a retry
    of the same reply is the same reply, and is delivered once."""
    return derived_id("reply", *what)
