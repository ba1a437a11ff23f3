"""Who may do what: moderator tokens with roles (platform keys' scopes and the token format
are in `services/contracts/credentials.py`). Pure.

Roles follow Bluesky Ozone's ladder, each including the one below it:
- triage: view queues and cases, claim and unclaim, label, add notes;
- moderator: also approve, hold, remove, escalate, decide appeals, warn and mute authors;
- admin: also suspend and ban authors, and manage keys.
"""

from __future__ import annotations

from enum import IntEnum


class Role(IntEnum):
    TRIAGE = 1
    MODERATOR = 2
    ADMIN = 3

    @classmethod
    def parse(cls, name: str) -> Role:
        try:
            return cls[name.upper()]
        except KeyError:
            raise ValueError(f"unknown role {name!r}; one of {[r.label for r in cls]}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


COMMAND_ROLE: dict[str, Role] = {
    "claim": Role.TRIAGE,
    "unclaim": Role.TRIAGE,
    "note": Role.TRIAGE,
    "label": Role.TRIAGE,
    "approve": Role.MODERATOR,
    "hold": Role.MODERATOR,
    "remove": Role.MODERATOR,
    "escalate": Role.MODERATOR,
    "appeal": Role.MODERATOR,
}
SANCTION_ROLE: dict[str, Role] = {
    "warn": Role.MODERATOR,
    "mute": Role.MODERATOR,
    "suspend": Role.ADMIN,
    "ban": Role.ADMIN,
}


def role_needed(command: str, sanction: str | None = None) -> Role:
    """The lowest role allowed to send this command (a sanction depends on its kind)."""
    if command == "sanction":
        return SANCTION_ROLE.get(sanction or "", Role.ADMIN)
    return COMMAND_ROLE.get(command, Role.ADMIN)


def allowed_commands(role: Role) -> list[str]:
    """The commands (and `sanction:<kind>`) a role may send, for showing only those."""
    commands = [c for c, needed in COMMAND_ROLE.items() if role >= needed]
    sanctions = [f"sanction:{k}" for k, needed in SANCTION_ROLE.items() if role >= needed]
    return commands + sanctions
