"""Who may do what: moderator tokens with roles (platform keys' scopes and the token format
are in `services/contracts/credentials.py`). Pure.

Roles (`contracts.credentials.Role`) follow Bluesky Ozone's ladder, each including the one below it:
- triage: view queues and cases, claim and unclaim, label, add notes;
- community_manager: also reply to members (closing complaints as answered) and own the
  feedback themes (forward, mark fixed, tell the members); no moderation calls;
- moderator: also approve, hold, remove, escalate, decide appeals, warn and mute authors;
- admin: also suspend and ban authors, and manage keys.
"""

from __future__ import annotations

from services.contracts.credentials import Role
from services.contracts.events import Command, SanctionKind

# every command but `sanction`, whose role depends on the sanction's kind
COMMAND_ROLE: dict[Command, Role] = {
    Command.CLAIM: Role.TRIAGE,
    Command.UNCLAIM: Role.TRIAGE,
    Command.NOTE: Role.TRIAGE,
    Command.LABEL: Role.TRIAGE,
    Command.APPROVE: Role.MODERATOR,
    Command.HOLD: Role.MODERATOR,
    Command.REMOVE: Role.MODERATOR,
    Command.ESCALATE: Role.MODERATOR,
    Command.APPEAL: Role.MODERATOR,
}
SANCTION_ROLE: dict[SanctionKind, Role] = {
    SanctionKind.WARN: Role.MODERATOR,
    SanctionKind.MUTE: Role.MODERATOR,
    SanctionKind.SUSPEND: Role.ADMIN,
    SanctionKind.BAN: Role.ADMIN,
}


def role_needed(command: Command | str, sanction: SanctionKind | str | None = None) -> Role:
    """The lowest role allowed to send this command (a sanction depends on its kind; what the
    vocabulary does not know needs an admin)."""
    if command == Command.SANCTION:
        return SANCTION_ROLE.get(sanction, Role.ADMIN) if sanction else Role.ADMIN
    return COMMAND_ROLE.get(command, Role.ADMIN)


def allowed_commands(role: Role) -> list[str]:
    """The commands (and `sanction:<kind>`) a role may send, for showing only those."""
    commands = [c.value for c, needed in COMMAND_ROLE.items() if role >= needed]
    sanctions = [f"sanction:{k.value}" for k, needed in SANCTION_ROLE.items() if role >= needed]
    return commands + sanctions
