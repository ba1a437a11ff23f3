"""How long a community health report takes to build for a community with 100,000 posts in
the period: the report's sources are put on their topics (a week of hourly mood windows that
count 100,000 posts, 20,000 posts of civil criticism for pulse's digest, 1,500 cases with
their resolutions, appeals and SLA breaches, and waves), pulse and outreach build their views
from them, then the report is asked for N times as JSON and as HTML. Prints and writes the
wall time per report, and outreach's and pulse's CPU-ms per report from /proc (their idle
burn taken out), with the CPU's model and ISA.

    python -m benchmarks.health_report [--posts 100000] [--builds 20]

Starts its own Kafka, Redis, pulse and outreach (`benchmarks/stack.py`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from aiokafka import AIOKafkaProducer

from benchmarks import RESULTS
from benchmarks.cpu import cpu_isa, cpu_of, idle_ms_per_s
from benchmarks.stack import running_stack
from services.contracts import topics
from services.contracts.events import (
    Action,
    CaseEvent,
    CaseEventKind,
    CommunityAlert,
    CommunityAlertKind,
    ModelInfo,
    MoodWindow,
    Post,
    PostScored,
    Tone,
)  # fmt: skip
from services.shared.internal import on_behalf_of

COMMUNITY = "bench"
SAID = ["dark mode is unreadable at night", "my refund never came, terrible", "the battery drains since the update",
        "search is broken again", "the editor is slow and awful", "notifications arrive late, annoying"]  # fmt: skip


def sources(tenant: str, posts: int, now: datetime) -> list[tuple[str, bytes, bytes]]:
    """(topic, key, value) for everything the report reads."""
    start = (now - timedelta(days=6)).replace(hour=0, minute=0, second=0, microsecond=0)
    hours = int((now - start).total_seconds() // 3600)
    out: list[tuple[str, bytes, bytes]] = []
    key = topics.community_key(tenant, COMMUNITY)
    for h in range(hours):
        volume = posts // hours + (1 if h < posts % hours else 0)
        begins = start + timedelta(hours=h)
        window = MoodWindow(tenant=tenant, community=COMMUNITY, window_seconds=3600, starts_at=begins,
                            ends_at=begins + timedelta(hours=1), volume=volume, toxic=volume // 20,
                            negative=volume // 6, civil_negative=volume // 10, actioned=volume // 25)  # fmt: skip
        out.append((topics.MOOD, key, window.model_dump_json().encode()))
    for n in range(20_000):
        at = start + timedelta(seconds=(n * 29) % int((now - start).total_seconds()))
        post = Post(post_id=str(uuid.uuid4()), tenant=tenant, external_id=f"c{n}", author_id=f"m{n % 3000}",
                    community=COMMUNITY, text=f"{SAID[n % len(SAID)]} ({n % 7})")  # fmt: skip
        scored = PostScored(post=post, scores={"toxicity": 0.05}, model=ModelInfo(id="b", version="1"),
                            submitted_at=at, tone=Tone(negative=0.9, positive=0.02))  # fmt: skip
        out.append(
            (
                topics.POSTS_SCORED,
                topics.author_key(tenant, post.author_id),
                scored.model_dump_json().encode(),
            )
        )
    for n in range(1500):
        opened_at = start + timedelta(minutes=n * 6)
        base = {"case_id": f"case-{tenant}-{n}", "post_id": f"p{n}", "tenant": tenant, "author_id": f"a{n}",
                "community": COMMUNITY, "queue": "general"}  # fmt: skip
        events = [
            CaseEvent(**base, kind=CaseEventKind.OPENED, actor="system", occurred_at=opened_at)
        ]
        if n % 15 == 0:
            events.append(CaseEvent(**base, kind=CaseEventKind.ESCALATED, actor="system",
                                    occurred_at=opened_at + timedelta(minutes=30)))  # fmt: skip
        events.append(CaseEvent(**base, kind=CaseEventKind.RESOLVED, actor=f"mod-{n % 5}",
                                resolution=Action.REMOVE, occurred_at=opened_at + timedelta(hours=1)))  # fmt: skip
        if n % 30 == 0:
            events.append(CaseEvent(**base, kind=CaseEventKind.APPEALED, actor="mod-9",
                                    occurred_at=opened_at + timedelta(hours=2)))  # fmt: skip
            events.append(CaseEvent(**base, kind=CaseEventKind.RESOLVED, actor="mod-8", resolution=Action.ALLOW,
                                    occurred_at=opened_at + timedelta(hours=3)))  # fmt: skip
        out += [
            (topics.CASE_EVENTS, topics.author_key(tenant, f"a{n}"), e.model_dump_json().encode())
            for e in events
        ]
    for n in range(10):
        at = start + timedelta(hours=12 * n)
        kind = CommunityAlertKind.WAVE_STARTED if n % 2 == 0 else CommunityAlertKind.WAVE_ENDED
        alert = CommunityAlert(tenant=tenant, community=COMMUNITY, kind=kind, window_seconds=3600, wave_started_at=at,
                               at=at, volume=600, negative=200, rate=0.33, baseline=0.15, surprise=9.0)  # fmt: skip
        out.append((topics.COMMUNITY_ALERTS, key, alert.model_dump_json().encode()))
    return out


async def publish(bootstrap: str, records: list[tuple[str, bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20)
    await producer.start()
    try:
        for topic, key, value in records:
            await producer.send(topic, value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


async def measure(stack, tenant: str, posts: int, builds: int) -> dict:
    headers = {
        "authorization": f"Bearer {stack.env['INTERNAL_TOKEN']}",
        **on_behalf_of(tenant, "bench", "admin"),
    }
    url = f"{stack.url('outreach')}/v1/moderation/reports/health"
    params = {"community": COMMUNITY, "days": 7}
    async with httpx.AsyncClient(timeout=120, headers=headers) as client:
        deadline = time.monotonic() + 900
        while True:  # until both services have read every source
            answer = (await client.get(url, params=params)).json()
            ready = (
                answer.get("totals", {}).get("volume") == posts
                and answer["totals"]["resolved"] >= 1500
            )
            if ready and answer.get("themes"):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"the views never caught up: {answer.get('totals')}")
            await asyncio.sleep(2)
        pids = {name: stack.services[name].pid or 0 for name in ("outreach", "pulse")}
        idle = idle_ms_per_s(pids, 5)
        found = {}
        for format in ("json", "html"):
            walls, before, started = [], cpu_of(pids), time.monotonic()
            for _ in range(builds):
                began = time.perf_counter()
                response = await client.get(url, params={**params, "format": format})
                walls.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, response.text
            seconds, after = time.monotonic() - started, cpu_of(pids)
            cpu = {
                n: round(max(0.0, (after[n] - before[n]) * 1000 - idle[n] * seconds) / builds, 1)
                for n in pids
            }
            found[format] = {"wall_ms_median": round(statistics.median(walls), 1),
                             "wall_ms_max": round(max(walls), 1), "cpu_ms_per_report": cpu,
                             "bytes": len(response.content)}  # fmt: skip
        found["totals"] = answer["totals"]
        found["themes"] = len(answer["themes"])
        return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--builds", type=int, default=20)
    args = parser.parse_args()
    env = {
        "PULSE_WINDOWS": "3600,86400",
        "REPORT_WINDOW_SECONDS": "3600",
        "PULSE_START_FROM": "earliest",
    }
    with running_stack(("pulse", "outreach"), extra_env=env) as stack:
        tenant = f"b{uuid.uuid4().hex[:8]}"
        records = sources(tenant, args.posts, datetime.now(UTC))
        asyncio.run(publish(stack.kafka.bootstrap, records))
        figures = asyncio.run(measure(stack, tenant, args.posts, args.builds))
    result = {"cpu": cpu_isa(), "posts": args.posts, "builds": args.builds, "period_days": 7, **figures,
              "command": f"python -m benchmarks.health_report --posts {args.posts} --builds {args.builds}"}  # fmt: skip
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "health_report.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
