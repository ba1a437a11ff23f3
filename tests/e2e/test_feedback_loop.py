"""The feedback loop on the running stack: a moderator removes a post automation held; the
resolution becomes a labeled example (moderators' calls teach the model), which
`make export-labels` writes in the shape of train.jsonl; the agreement report and escalation's
metrics count the review of the rule that held it, and a backtest of a candidate policy on the
period (the CLI, and the admin API against the live decisions) scores that rule against the
moderator's call."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from services.contracts.cases import case_id_for
from tests.conftest import Infra
from tests.e2e.conftest import Stack, wait_until_ingest_knows
from tests.integration.helpers import bearer, eventually, issue

pytestmark = pytest.mark.e2e
# the offline model holds it: toxicity 0.98 (the default policy holds from 0.92)
RUDE = "you are a stupid worthless idiot, shut up"


def cli(infra: Infra, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", *args], env={**os.environ, **infra.env()},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


async def test_a_moderators_removal_becomes_a_labeled_example_in_the_export(
    stack: Stack, infra: Infra, tenant: str, tmp_path: Path
) -> None:
    platform = await bearer(infra, tenant)
    moderator = {
        "authorization": f"Bearer {await issue(infra, tenant, moderator=('mo', 'moderator'))}"
    }
    await asyncio.to_thread(wait_until_ingest_knows, stack.url("ingest"), platform)
    desk = stack.url("desk")
    async with httpx.AsyncClient(timeout=30) as client:
        post = {"external_id": "loop-1", "author_id": "troll", "community": "general", "text": RUDE}
        answer = await client.post(f"{stack.url('ingest')}/v1/posts", json=post, headers=platform)
        assert answer.status_code == 202, answer.text
        case_id = case_id_for(answer.json()["post_id"])
        cases = f"{desk}/v1/moderation/cases/{case_id}"

        async def opened() -> bool:
            return (await client.get(cases, headers=moderator)).status_code == 200

        assert await eventually(opened, timeout=60), "the post was never held for review"
        claim = await client.post(f"{cases}/claim", headers=moderator)
        assert claim.status_code == 200, claim.text
        body = {"action": "remove", "reason": "abuse of the whole forum"}
        removed = await client.post(f"{cases}/actions", json=body, headers=moderator)
        assert removed.status_code == 200, removed.text
        metrics = (await client.get(f"{stack.url('escalation')}/metrics")).text

    out = tmp_path / "feedback.jsonl"

    async def exported() -> list[dict]:
        await asyncio.to_thread(cli, infra, "training.labels", "--out",
                                str(out), "--tenant", tenant)  # fmt: skip
        return [json.loads(line) for line in out.read_text().splitlines()]

    rows = await eventually(exported, timeout=60, interval=1)
    # The removal labels the post toxic for every label its matched rules test: toxicity and
    # insult at least; obscene too when the model scored it over that rule's line.
    [row] = rows
    labels = row.pop("labels")
    assert row == {"text": RUDE, "source": "feedback:moderator_review", "tenant": tenant}
    assert labels.items() >= {"insult": 1.0, "toxicity": 1.0}.items(), labels
    assert set(labels.values()) == {1.0} and set(labels) <= {"insult", "toxicity", "obscene"}
    report = json.loads(cli(infra, "services.escalation.cli", "agreement", "--since", "1h",
                            "--tenant", tenant))  # fmt: skip
    rows_by = {(r["by"], r["name"]): r for r in report["table"]}
    assert rows_by[("rule", "very-toxic")] == {"by": "rule", "name": "very-toxic", "reviewed": 1,
                                              "precision": 1.0, "appeals": 0, "overturn_rate": None}  # fmt: skip
    assert (
        rows_by[("label", "toxicity")]["precision"]
        == rows_by[("rule", "insult")]["precision"]
        == 1.0
    )
    assert 'escalation_automation_reviews_total{outcome="upheld",rule="very-toxic"}' in metrics
    candidate = Path(__file__).parents[2] / "deploy" / "policy-examples" / "crisis-candidate.yaml"
    replay = json.loads(cli(infra, "services.escalation.cli", "backtest", str(candidate),
                            "--since", "1h", "--tenant", tenant))  # fmt: skip
    assert replay["posts"] == 1 and replay["cases_per_day"]["active"] == {"general": 24.0}
    assert replay["rules"]["active"]["very-toxic"]["precision"] == 1.0
    assert replay["rules"]["candidate"]["very-toxic"]["judged"] == 1
    admin = {"authorization": f"Bearer {await issue(infra, tenant, moderator=('lead', 'admin'))}"}
    body = {"text": candidate.read_text(encoding="utf-8"), "since": "1h"}
    async with httpx.AsyncClient(timeout=60) as client:
        api = await client.post(f"{desk}/v1/admin/policies/backtest", json=body, headers=admin)
        refused = await client.post(f"{desk}/v1/admin/policies/backtest",
                                    json={**body, "since": "soon"}, headers=admin)  # fmt: skip
    assert api.status_code == 200, api.text
    live = api.json()
    assert live["posts"] == 1 and not live["truncated"]
    assert live["rules"]["active"]["very-toxic"] == {"matched": 1, "precision": 1.0,
                                                     "recall": 1.0, "judged": 1}  # fmt: skip
    assert live["cases_per_day"]["active"] == {"general": 24.0}
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_period"
