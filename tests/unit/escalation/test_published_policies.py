"""Policies published through the gateway: names, ownership, and precedence over files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from services.escalation.adapters.policies import PolicyBook
from services.escalation.config import REPO_POLICIES
from services.policy.text import PolicyError, policy_name, published_policy

STRICT = """id: strict
version: "3"
rules:
  - {id: hold-all, action: hold, clause: "S1", when: {scores: {toxicity: 0.1}}}
"""


@pytest.mark.parametrize(
    ("community", "shadow", "name"),
    [
        (None, False, "acme"),
        ("gaming", False, "acme/gaming"),
        (None, True, "acme.shadow"),
        ("gaming", True, "acme/gaming.shadow"),
    ],
)
def test_names_follow_the_policy_files(community, shadow, name) -> None:
    assert policy_name("acme", community, shadow) == name


@pytest.mark.parametrize(
    ("tenant", "community"), [("a/b", None), ("acme", "x/y"), ("default", None)]
)
def test_names_that_would_escape_or_replace_the_default_are_refused(tenant, community) -> None:
    with pytest.raises(PolicyError):
        policy_name(tenant, community)


def test_a_tenant_can_only_publish_under_its_own_name() -> None:
    assert published_policy("acme", "acme/gaming", STRICT, withdrawn=False).id == "strict"
    assert published_policy("acme", "acme", "", withdrawn=True) is None
    for foreign in ("other", "acmeco", "other/acme", "acme/"):
        with pytest.raises(PolicyError, match="not a policy of tenant"):
            published_policy("acme", foreign, STRICT, withdrawn=False)


def test_invalid_text_is_reported_with_its_line() -> None:
    with pytest.raises(PolicyError) as caught:
        published_policy(
            "acme", "acme", "id: x\nversion: '1'\nrules:\n  - {id: r, action: nuke}\n", False
        )
    assert caught.value.source == "acme.yaml" and caught.value.line == 4


def test_published_policies_override_files_and_withdrawing_restores_them(tmp_path: Path) -> None:
    shutil.copytree(REPO_POLICIES, tmp_path, dirs_exist_ok=True)
    book = PolicyBook(tmp_path)
    strict = published_policy("acme", "acme/gaming", STRICT, False)
    book.publish("acme/gaming.yaml", strict)
    assert book.for_post("acme", "gaming").id == "strict"
    assert book.for_post("acme", "news").id == "default"
    assert book.for_post("other", "gaming").id == "default"
    book.reload()  # file reloads leave published policies alone
    assert book.for_post("acme", "gaming").id == "strict"
    book.publish("acme/gaming.yaml", None)
    assert book.for_post("acme", "gaming").id == "default"
