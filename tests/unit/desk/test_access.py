"""Roles, scopes and tokens."""

from __future__ import annotations

import pytest

from services.contracts.credentials import (
    API_KEY_PREFIX,
    MODERATOR_TOKEN_PREFIX,
    digest,
    issue,
    matches,
    parse_token,
)
from services.desk.domain.access import Role, allowed_commands, role_needed


@pytest.mark.parametrize("command", ["claim", "unclaim", "note", "label"])
def test_triage_may_view_claim_label_and_note(command: str) -> None:
    assert role_needed(command) is Role.TRIAGE


@pytest.mark.parametrize("command", ["approve", "hold", "remove", "escalate", "appeal"])
def test_taking_content_down_or_deciding_needs_a_moderator(command: str) -> None:
    assert role_needed(command) is Role.MODERATOR


@pytest.mark.parametrize(
    ("sanction", "role"),
    [
        ("warn", Role.MODERATOR),
        ("mute", Role.MODERATOR),
        ("suspend", Role.ADMIN),
        ("ban", Role.ADMIN),
    ],
)
def test_sanctions_by_severity(sanction: str, role: Role) -> None:
    assert role_needed("sanction", sanction) is role


def test_unknown_commands_and_sanctions_need_an_admin() -> None:
    assert role_needed("purge-everything") is Role.ADMIN
    assert role_needed("sanction", None) is Role.ADMIN


def test_roles_are_ordered_and_parsed_by_name() -> None:
    assert Role.TRIAGE < Role.COMMUNITY_MANAGER < Role.MODERATOR < Role.ADMIN
    assert Role.parse("Moderator") is Role.MODERATOR
    assert Role.parse("community_manager").label == "community_manager"
    with pytest.raises(ValueError, match="unknown role"):
        Role.parse("owner")


def test_issued_tokens_parse_back_to_their_id_and_only_the_hash_matches() -> None:
    key = issue(API_KEY_PREFIX)
    assert parse_token(key.token) == (API_KEY_PREFIX, key.credential_id)
    assert key.sha256 == digest(key.token) and key.token not in key.sha256
    assert matches(key.token, key.sha256)
    assert not matches(key.token + "x", key.sha256)
    assert issue(API_KEY_PREFIX).token != key.token


@pytest.mark.parametrize(
    "token", ["", "mk_", "mk_abc", "mk_abc.", "zz_abc.secret", "abc.secret", "mk.secret"]
)
def test_malformed_tokens_do_not_parse(token: str) -> None:
    assert parse_token(token) is None


def test_moderator_tokens_have_their_own_prefix() -> None:
    token = issue(MODERATOR_TOKEN_PREFIX)
    assert parse_token(token.token)[0] == MODERATOR_TOKEN_PREFIX


def test_each_role_is_offered_only_what_it_may_send() -> None:

    triage = allowed_commands(Role.TRIAGE)
    assert "claim" in triage and "label" in triage
    assert "remove" not in triage and "sanction:warn" not in triage
    moderator = allowed_commands(Role.MODERATOR)
    assert {"remove", "approve", "sanction:warn", "sanction:mute"} <= set(moderator)
    assert "sanction:ban" not in moderator
    assert "sanction:ban" in allowed_commands(Role.ADMIN)
    for role in Role:
        for command in allowed_commands(role):
            verb, _, kind = command.partition(":")
            assert role >= role_needed(verb, kind or None)


def test_a_community_manager_makes_no_moderation_call() -> None:
    allowed = allowed_commands(Role.COMMUNITY_MANAGER)
    assert allowed == allowed_commands(Role.TRIAGE)
    assert not {"approve", "remove", "hold", "sanction:warn"} & set(allowed)
