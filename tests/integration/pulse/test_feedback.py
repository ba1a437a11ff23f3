"""The feedback digest on real Kafka and Redis: civil criticism and posts routed to the
feedback queue, consumed by pulse from the topics, grouped into themes by its HTTP API (JSON,
Markdown and CSV); a bad period is a 422 that names the problem. Lost from Redis, the remarks
come back from Kafka with the rebuild, and the CLI gives the same digest."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from aiokafka import AIOKafkaProducer
from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.events import (
    CaseEvent,
    Language,
    ModelInfo,
    Post,
    PostScored,
    Tone,
    utcnow,
)
from services.pulse.app import create_app
from services.pulse.config import Settings
from services.pulse.rebuild import rebuild
from tests.conftest import Infra
from tests.integration.helpers import eventually, running

pytestmark = pytest.mark.integration
THIS_WEEK = [
    "The dark mode is unreadable at night, terrible",
    "Please fix dark mode, the contrast is awful",
    "dark mode hurts my eyes, disappointed",
    "Still waiting on my refund, this is disappointing",
]
LAST_WEEK = ["Dark mode is bad", "I hate the new dark mode"]
ROUTED = "I want a refund for the season pass"  # neutral in tone: routed by the policy
# Tone read by the classifier's multilingual model; the Swedish post's tone nothing read
GERMAN = ["Die Rückerstattung fehlt immer noch.", "Wo bleibt meine Rückerstattung?"]
SWEDISH = "Jag är besviken, appen kraschar hela tiden."


def post(tenant: str, text: str) -> Post:
    return Post(post_id=str(uuid.uuid4()), tenant=tenant, external_id=uuid.uuid4().hex,
                author_id="member", community="support", text=text)  # fmt: skip


async def test_the_digest_groups_this_weeks_criticism_with_its_trend(
    infra: Infra, tenant: str
) -> None:
    settings = Settings(
        kafka_bootstrap_servers=infra.kafka_bootstrap, redis_url=infra.redis_url,
        kafka_group_id=f"pulse-feedback-{uuid.uuid4().hex[:6]}",
        pulse_start_from="latest",  # not the history other tests left on the session's topics
        internal_token="internal-test-token",
    )  # fmt: skip
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await producer.start()
    now = utcnow()
    sent = [(text, now - timedelta(hours=1)) for text in THIS_WEEK]
    sent += [(text, now - timedelta(days=8)) for text in LAST_WEEK]
    events = [
        (topics.POSTS_SCORED, PostScored(post=post(tenant, text), scores={"toxicity": 0.02},
                                         model=ModelInfo(id="m", version="1"), submitted_at=at))
        for text, at in sent
    ]  # fmt: skip
    events += [
        (topics.POSTS_SCORED, PostScored(
            post=post(tenant, text), scores={"toxicity": 0.02}, model=ModelInfo(id="m", version="1"),
            submitted_at=now - timedelta(hours=1), tone=tone,
            language=Language(code=code, confidence=0.99, source="detected"),
        ))
        for text, code, tone in [
            *((text, "de", Tone(negative=0.9, positive=0.02)) for text in GERMAN),
            (SWEDISH, "sv", None),
        ]
    ]  # fmt: skip
    routed = post(tenant, ROUTED)
    opened = CaseEvent(case_id="c", post_id=routed.post_id, tenant=tenant,
                       author_id="member", community="support", kind="opened",
                       queue="feedback", actor="system", post=routed)  # fmt: skip
    events.append((topics.CASE_EVENTS, opened))

    async def send_all() -> None:
        """Sent again until counted: a group starting from the latest posts may join after the
        first sending (the same posts counted twice are the same remarks)."""
        for topic, event in events:
            await producer.send(topic, event.model_dump_json().encode())
        await producer.flush()

    try:
        async with running(create_app(settings)) as client:
            query = {"tenant": tenant, "community": "support", "since": "7d"}
            unsigned = await client.get("/v1/feedback/digest", params=query)
            assert unsigned.status_code == 401  # internal: no tenant's caller may read it
            client.headers["Authorization"] = "Bearer internal-test-token"

            async def complete():
                answer = (await client.get("/v1/feedback/digest", params=query)).json()
                if answer["total"] == 7:
                    return answer
                await send_all()
                return None

            digest = await eventually(complete, timeout=60, interval=2)
            markdown = await client.get(
                "/v1/feedback/digest", params={**query, "format": "markdown"}
            )
            spreadsheet = await client.get("/v1/feedback/digest", params={**query, "format": "csv"})
            bad = await client.get("/v1/feedback/digest", params={**query, "since": "last tuesday"})
    finally:
        await producer.stop()

    assert digest, "pulse never kept the seven remarks"
    themes = {t["theme"]: t for t in digest["themes"]}
    assert themes["dark mode"]["count"] == 3 and themes["dark mode"]["previous"] == 2
    assert themes["dark mode"]["trend"] == 0.5
    assert themes["refund"]["count"] == 2  # one civil, one routed to the feedback queue
    assert ROUTED in [e["text"] for e in themes["refund"]["examples"]]
    assert themes["rückerstattung"]["count"] == 2 and themes["rückerstattung"]["language"] == "de"
    # posts with no language on their events stay apart, never guessed into German
    assert [(s["language"], s["total"]) for s in digest["languages"]] == [(None, 5), ("de", 2)]
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "| dark mode | undetermined | 3 | 2 | +50% |" in markdown.text
    assert spreadsheet.text.splitlines()[1].startswith("dark mode,3,2,0.5")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_period"

    redis = Redis.from_url(infra.redis_url, decode_responses=True)
    await redis.delete(f"pulse:feedback:{tenant}\x1fsupport")
    await redis.aclose()
    counts = await rebuild(settings)
    assert counts[topics.POSTS_SCORED] + counts[topics.CASE_EVENTS] >= 7
    cli = subprocess.run(
        [sys.executable, "-m", "services.pulse.cli", "digest", "--tenant", tenant,
         "--community", "support", "--since", "7d", "--format", "csv"],
        env={**os.environ, **infra.env()}, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert cli.stdout.splitlines() == spreadsheet.text.splitlines()
