"""A backlog put in the way production gets one: scored posts on the classifier's output topic,
which escalation judges (opening cases, issuing strikes) and the gateway materializes. Nothing is
written straight into a service's Redis."""

from __future__ import annotations

import asyncio
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from services.contracts import topics
from services.contracts.events import ModelInfo, Post, PostScored, post_id_for

MODEL = ModelInfo(id="seeded-history", version="1")
# One per default-policy route to a queue: threat -> safety, identity attack -> identity,
# very toxic -> general (held), civil criticism -> feedback.
KINDS = (
    ({"toxicity": 0.6, "threat": 0.9}, "I know where you live and I will hurt you"),
    ({"toxicity": 0.7, "identity_attack": 0.9}, "people like you should not be allowed here"),
    ({"toxicity": 0.95, "insult": 0.7}, "you are a worthless idiot"),
    ({"toxicity": 0.1}, "the sync is broken again, I want a refund"),
)


def scored(tenant: str, i: int) -> PostScored:
    scores, text = KINDS[i % len(KINDS)]
    post = Post(
        post_id=post_id_for(tenant, f"seed-{i}"),
        tenant=tenant,
        external_id=f"seed-{i}",
        author_id=f"seed-author-{i}",  # one post each: strikes never add up to a ban
        community=f"c{i % 10}",
        text=f"{text} #{i}",
    )
    return PostScored(post=post, scores=scores, model=MODEL, normalized_text=post.text.lower())


async def seed_open_cases(bootstrap: str, cases: int) -> dict:
    """Publish `cases` scored posts that each open a case, then wait until every consumer group
    has committed everything on every topic (cases, decisions, strikes and sanctions done)."""
    tenant = f"seed-{uuid.uuid4().hex[:6]}"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, acks="all")
    await producer.start()
    started = time.perf_counter()
    try:
        for start in range(0, cases, 1000):
            sent = [
                await producer.send(
                    topics.POSTS_SCORED,
                    event.model_dump_json().encode(),
                    key=topics.author_key(tenant, event.post.author_id),
                )
                for event in (scored(tenant, i) for i in range(start, min(cases, start + 1000)))
            ]
            await asyncio.gather(*sent)
    finally:
        await producer.stop()
    published = time.perf_counter() - started
    await caught_up(bootstrap, timeout=1800)
    return {
        "tenant": tenant,
        "open_cases": cases,
        "publish_seconds": round(published, 1),
        "processed_seconds": round(time.perf_counter() - started, 1),
    }


async def caught_up(bootstrap: str, timeout: float, quiet_checks: int = 3) -> None:
    """Wait until no consumer group is behind the end of any partition it has committed on, at
    `quiet_checks` checks in a row (a group's first commit on a partition comes a moment after
    its first records there)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    ends = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await admin.start()
    await ends.start()
    deadline, quiet = time.monotonic() + timeout, 0
    try:
        while quiet < quiet_checks:
            if time.monotonic() > deadline:
                raise TimeoutError("the stack did not catch up with the seeded history")
            await asyncio.sleep(2)
            quiet = quiet + 1 if await behind(admin, ends) == 0 else 0
    finally:
        await ends.stop()
        await admin.close()


async def behind(admin: AIOKafkaAdminClient, ends: AIOKafkaConsumer) -> int:
    """Messages the stack's consumer groups have yet to commit, summed."""
    total = 0
    for group, *_ in await admin.list_consumer_groups():
        if group.startswith("bench"):
            continue
        committed = await admin.list_consumer_group_offsets(group)
        mine = [tp for tp in committed if tp.topic.startswith("moderation.")]
        if mine:
            end = await ends.end_offsets(mine)
            total += sum(max(0, end[tp] - committed[tp].offset) for tp in mine)
    return total
