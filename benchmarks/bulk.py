"""How long a bulk action takes: N held cases made through the whole pipeline (posts with a
marker word a test policy holds, over ingest's batch API), then one bulk removal through the
desk's API; the time the desk reports (select, send every claim and removal, wait for every
answer) and the client's wall time, and a check that every post got its own moderator decision.

    python -m benchmarks.bulk --cases 200,1000

Starts its own stack (`benchmarks/stack.py`). Results are printed and written to
benchmarks/results/bulk.json."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from benchmarks import RESULTS
from benchmarks.cpu import cpu_isa
from benchmarks.pipeline import new_platform
from benchmarks.stack import running_stack

POLICY = """id: bulk-{tenant}
version: "1"
default_queue: review
queues: {{review: {{priority: 1, sla_minutes: 30}}}}
rules:
  - {{id: marker, action: hold, queue: review, clause: "Bench: held", when: {{any_words: [quarantine]}}}}
"""


def moderator(env: dict, tenant: str, role: str) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "services.desk.cli", "moderators", "create", "--tenant", tenant,
         "--id", f"bench-{role}", "--role", role],
        env={**os.environ, **env}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {"authorization": f"Bearer {json.loads(done.stdout.splitlines()[-1])['token']}"}


async def until(check, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError("the stack never got there")
        await asyncio.sleep(0.5)


async def one_run(stack, count: int) -> dict:
    tenant, platform = new_platform(stack.env, stack.url("ingest"), "bulk")
    admin = moderator(stack.env, tenant, "admin")
    desk, ingest = stack.url("desk"), stack.url("ingest")
    target = f"member-{uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(timeout=300) as client:
        answer = await client.put(f"{desk}/v1/admin/policies", headers=admin,
                                  json={"text": POLICY.format(tenant=tenant)})  # fmt: skip
        answer.raise_for_status()

        async def in_force() -> bool:
            item = {"external_id": uuid.uuid4().hex, "author_id": "probe", "text": "quarantine"}
            await client.post(f"{ingest}/v1/posts:batch", headers=platform, json={"posts": [item]})
            found = await client.post(f"{desk}/v1/moderation/bulk:preview", headers=admin,
                                      json={"selection": {"author_id": "probe"}})  # fmt: skip
            return found.json()["matched"] > 0

        await until(in_force, 90)
        for start in range(0, count, 500):
            items = [{"external_id": f"raid-{n}", "author_id": f"raider-{n % 40}",
                      "text": f"get lost quarantine {n}", "mentions": [target]}
                     for n in range(start, min(count, start + 500))]  # fmt: skip
            sent = await client.post(f"{ingest}/v1/posts:batch", headers=platform,
                                     json={"posts": items})  # fmt: skip
            sent.raise_for_status()
        selection = {"aimed_at": target}

        async def all_held() -> bool:
            found = await client.post(f"{desk}/v1/moderation/bulk:preview", headers=admin,
                                      json={"selection": selection})  # fmt: skip
            return found.json()["matched"] >= count

        await until(all_held, 300)
        began = time.perf_counter()
        done = await client.post(f"{desk}/v1/moderation/bulk", headers=admin, json={
            "bulk_id": uuid.uuid4().hex, "selection": selection, "action": "remove",
            "reason": "bench raid",
        })  # fmt: skip
        wall = time.perf_counter() - began
        done.raise_for_status()
        result = done.json()
    return {"cases": count, "done": result["done"], "refused": result["refused"],
            "rejected": result["rejected"], "timed_out": result["timed_out"],
            "desk_seconds": result["seconds"], "client_seconds": round(wall, 3),
            "cases_per_second": round(result["done"] / max(wall, 1e-9), 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="200,1000")
    parser.add_argument("--out", type=Path, default=RESULTS / "bulk.json")
    args = parser.parse_args()
    runs = []
    with running_stack() as stack:
        print(f"cpu: {cpu_isa()}", flush=True)
        for count in (int(c) for c in args.cases.split(",")):
            runs.append(asyncio.run(one_run(stack, count)))
            print(runs[-1], flush=True)
    result = {"benchmark": "bulk", "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "machine": {"cpus": os.cpu_count(), **cpu_isa()}, "runs": runs}  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
