"""Replies to members on real Kafka and Redis: a community manager answers a complaint through
the desk (outreach writes the reply), escalation closes the case as answered, the gateway hands
the reply to the platform's webhook receiver and feed once; bad replies get clear errors. (A
complaint left past its response SLA escalates: tests/integration/test_cases.py.)"""

from __future__ import annotations

import httpx
import pytest

from services.contracts.cases import case_id_for
from tests.conftest import Infra
from tests.integration.gateway.conftest import publish_scored, scored
from tests.integration.helpers import bearer, eventually, reply_receiver, serving

pytestmark = pytest.mark.integration
COMPLAINT = "The new editor is broken and slow, terrible update"  # civil: the feedback queue
CIVIL = {"toxicity": 0.05, "insult": 0.02}


async def complaint(client: httpx.AsyncClient, infra: Infra, tenant: str, headers: dict,
                    external_id: str) -> str:  # fmt: skip
    event = scored(tenant, external_id, CIVIL, text=COMPLAINT, author_id="member-7",
                   community="help")  # fmt: skip
    await publish_scored(infra, event)
    case_id = case_id_for(event.post.post_id)

    async def opened() -> bool:
        answer = await client.get(f"/v1/moderation/cases/{case_id}", headers=headers)
        return answer.status_code == 200 and answer.json()["case"]["queue"] == "feedback"

    assert await eventually(opened), "no feedback case was opened"
    return case_id


async def test_a_complaint_answered_closes_and_reaches_the_platform_once(
    desk: str, gateway: str, infra: Infra, tenant: str
) -> None:
    cm = await bearer(infra, tenant, moderator=("cm-ana", "moderator"))
    platform = await bearer(infra, tenant)
    replies: list[dict] = []
    async with (
        serving(reply_receiver(replies)) as hook_url,
        httpx.AsyncClient(base_url=desk, timeout=30) as client,
        httpx.AsyncClient(base_url=gateway, headers=platform, timeout=30) as platform_client,
    ):
        made = await platform_client.post("/v1/webhooks", json={"url": f"{hook_url}/hook"})
        assert made.status_code == 201
        case_id = await complaint(client, infra, tenant, cm, "editor-1")
        body = {"text": "Thanks for telling us: the editor fix ships on Monday."}
        first = await client.post(f"/v1/moderation/cases/{case_id}/reply", json=body, headers=cm)
        again = await client.post(f"/v1/moderation/cases/{case_id}/reply", json=body, headers=cm)
        post_id = first.json()["post_id"]
        via_post = await client.post(
            f"/v1/moderation/posts/{post_id}/replies", json=body, headers=cm
        )

        async def delivered() -> list[dict]:
            return replies

        sent = await eventually(delivered, timeout=30)
        detail = (await client.get(f"/v1/moderation/cases/{case_id}", headers=cm)).json()
        feed = (await platform_client.get("/v1/decisions")).json()["data"]
        answered_times = await client.get("/v1/moderation/responses", headers=cm)
    assert answered_times.status_code == 200, answered_times.text
    times = answered_times.json()["data"]
    assert first.status_code == 201, first.text
    result = first.json()
    assert result["outcome"] == "answered" and result["case"]["state"] == "resolved"
    assert result["case"]["answered"] and result["case"]["first_response_at"]
    assert again.status_code == 201, again.text
    assert again.json()["outcome"] == "already_sent"
    assert via_post.json()["outcome"] == "already_sent"  # the same reply, by either route
    assert detail["case"]["state"] == "resolved" and detail["case"]["answered"]
    assert detail["case"]["resolution"] is None  # the post's decision stands
    assert [t["kind"] for t in detail["trail"]] == ["opened", "answered"]
    assert [d["decided_by"] for d in detail["decisions"]] == ["automated"]
    assert len(sent) == 1
    reply = sent[0]["reply"]
    assert reply["text"] == body["text"] and reply["post_id"] == detail["case"]["post_id"]
    assert reply["author_id"] == "member-7" and reply["author_role"] == "moderator"
    assert reply["case_id"] == case_id and sent[0]["idempotency_key"] == reply["reply_id"]
    assert [e["reply_id"] for e in feed if e["type"] == "reply"] == [reply["reply_id"]]
    help_feedback = [t for t in times if (t["community"], t["queue"]) == ("help", "feedback")]
    assert help_feedback and help_feedback[0]["answered"] == 1
    assert help_feedback[0]["within"]["le5"] == 1


async def test_replies_that_cannot_go_out_say_why(desk: str, infra: Infra, tenant: str) -> None:
    cm = await bearer(infra, tenant, moderator=("cm-bo", "moderator"))
    triage = await bearer(infra, tenant, moderator=("tia", "triage"))
    admin = await bearer(infra, tenant, moderator=("ada", "admin"))
    async with httpx.AsyncClient(base_url=desk, timeout=30) as client:
        case_id = await complaint(client, infra, tenant, cm, "editor-2")
        url = f"/v1/moderation/cases/{case_id}/reply"
        too_long = await client.post(url, json={"text": "x" * 501}, headers=cm)
        both = await client.post(url, json={"text": "a", "template": "t"}, headers=cm)
        forbidden = await client.post(url, json={"text": "hello"}, headers=triage)
        no_template = await client.post(url, json={"template": "nope"}, headers=cm)
        unknown = await client.put("/v1/moderation/reply-templates/fixed",
                                   json={"text": "Hi {author}, {theme} is fixed"}, headers=admin)  # fmt: skip
        not_admin = await client.put("/v1/moderation/reply-templates/fixed",
                                     json={"text": "{theme} is fixed"}, headers=cm)  # fmt: skip
        unseen = await client.post("/v1/moderation/posts/never-seen/replies",
                                   json={"text": "hello"}, headers=cm)  # fmt: skip
        unsigned = await client.post(url, json={"text": "hello"})
    assert too_long.status_code == 422 and too_long.json()["error"]["code"] == "reply_too_long"
    assert too_long.json()["error"]["details"] == {"limit": 500, "length": 501}
    assert both.status_code == 422
    assert forbidden.status_code == 403
    assert no_template.status_code == 404
    assert no_template.json()["error"]["code"] == "template_not_found"
    assert unknown.status_code == 422 and unknown.json()["error"]["details"]["unknown"] == [
        "author"
    ]
    assert not_admin.status_code == 403
    assert unseen.status_code == 404 and unseen.json()["error"]["code"] == "post_not_found"
    assert unsigned.status_code == 401


async def test_a_template_fills_in_and_a_removed_post_cannot_be_answered(
    desk: str, infra: Infra, tenant: str
) -> None:
    cm = await bearer(infra, tenant, moderator=("cm-cy", "moderator"))
    admin = await bearer(infra, tenant, moderator=("ada", "admin"))
    text = "Thanks for raising {theme} in {community}: it is fixed."
    async with httpx.AsyncClient(base_url=desk, timeout=30) as client:
        saved = await client.put("/v1/moderation/reply-templates/fixed",
                                 json={"text": text, "community": "help"}, headers=admin)  # fmt: skip
        assert saved.status_code == 202, saved.text

        async def listed() -> list[dict]:
            found = await client.get("/v1/moderation/reply-templates",
                                     params={"community": "help"}, headers=cm)  # fmt: skip
            return found.json()["data"]

        assert [t["name"] for t in await eventually(listed)] == ["fixed"]
        case_id = await complaint(client, infra, tenant, cm, "editor-3")
        post_id = (await client.get(f"/v1/moderation/cases/{case_id}", headers=cm)).json()
        post_id = post_id["case"]["post_id"]
        answered = await client.post(f"/v1/moderation/posts/{post_id}/replies",
                                     json={"template": "fixed", "theme": "the editor"}, headers=cm)  # fmt: skip
        removed = scored(tenant, "abuse-1", {"toxicity": 0.99, "severe_toxicity": 0.95})
        await publish_scored(infra, removed)

        async def decided() -> bool:
            answer = await client.post(f"/v1/moderation/posts/{removed.post.post_id}/replies",
                                       json={"text": "hello"}, headers=cm)  # fmt: skip
            return answer.status_code == 409 and answer.json()["error"]["code"] == "post_removed"

        assert await eventually(decided)
    assert answered.status_code == 201, answered.text
    assert answered.json()["text"] == "Thanks for raising the editor in help: it is fixed."
    assert answered.json()["outcome"] == "answered"  # the post's open case, answered from it
