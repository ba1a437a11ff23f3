"""Pipeline benchmark: ingest throughput at saturation, ingest->decision latency at a fixed rate.

At each rate it also reports every process's CPU-milliseconds per post (from /proc; the idle
burn of the 5 s before the load taken out) and its idle burn after the load: the per-replica
rates of docs/capacity.md. Then it seeds a backlog of open cases (50,000 by default) through the
scored-posts topic, waits until every consumer group has caught up, and measures the same rates
again: cost must not grow with history.

    make bench                       # or: python -m benchmarks.pipeline --rates 50,100 --seconds 30

Saturation is driven by `wrk` (Debian package; `make bench` installs it) because a Python client
saturates a core before ingest does; without wrk it falls back to httpx and says so.
Starts its own Kafka, Redis and the services on free ports (the same launcher as `make up`),
so it never disturbs a running stack. Latency is measured open-loop: posts are sent on a fixed
schedule whatever the responses do (benchmarks/load.py, a client cheap enough not to starve the
stack); each post's clock starts when it was due and stops at its Decision record's timestamp,
set by escalation's producer as it publishes. Results are printed and written to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from functools import partial
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis as RedisClient

from benchmarks import RESULTS
from benchmarks.cpu import cpu_isa, cpu_of, idle_ms_per_s, ms_per_post
from benchmarks.history import seed_open_cases
from benchmarks.load import Answer, Client, at_rate
from benchmarks.stack import running_stack
from benchmarks.texts import post_text
from services.contracts import topics
from services.shared.kafka import partitions_of


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def body(tenant: str, i: int) -> dict:
    return {
        "tenant": tenant,
        "external_id": f"b-{i}",
        "author_id": f"author-{i % 97}",
        "text": post_text(i),
    }


async def decisions_listener(
    bootstrap: str, tenant: str, seen: dict[str, float], ready: asyncio.Event
):
    """When each decision was made: its record's timestamp, which escalation's producer sets as
    it publishes. So this reader can fetch a second's worth at a time and add almost nothing
    to the broker's work per post (a consumer fetching each decision as it came would)."""
    consumer = AIOKafkaConsumer(
        topics.DECISIONS, bootstrap_servers=bootstrap, group_id=f"bench-{uuid.uuid4().hex}",
        auto_offset_reset="latest", fetch_min_bytes=1 << 20, fetch_max_wait_ms=1000,
    )  # fmt: skip
    await consumer.start()
    try:
        await consumer.seek_to_end()
        ready.set()
        while True:
            batches = await consumer.getmany(timeout_ms=1000)
            for records in batches.values():
                for record in records:
                    decision = json.loads(record.value)
                    if decision["tenant"] == tenant:
                        seen.setdefault(decision["post_id"], record.timestamp / 1000)
    finally:
        await consumer.stop()


def new_platform(env: dict[str, str], ingest: str, prefix: str) -> tuple[str, dict[str, str]]:
    """A fresh tenant with a platform key (no practical rate limit), from the admin CLI as an
    operator would make one, once ingest has read it from the credentials topic."""
    tenant = f"{prefix}{uuid.uuid4().hex[:6]}"
    done = subprocess.run(
        [sys.executable, "-m", "services.desk.cli", "keys", "create", "--tenant", tenant,
         "--name", "bench", "--rate-limit", "1000000000"],
        env={**os.environ, **env}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    headers = {"authorization": f"Bearer {json.loads(done.stdout.splitlines()[-1])['token']}"}
    deadline = time.monotonic() + 30
    while httpx.post(f"{ingest}/v1/posts", json={}, headers=headers).status_code != 422:
        if time.monotonic() > deadline:
            raise RuntimeError("ingest never learnt the benchmark's key")
        time.sleep(0.1)
    return tenant, headers


async def redis_commands(url: str) -> Counter[str]:
    """Commands Redis has run since it started, by name (every service's, and idle work's):
    round trips per post, a figure no noisy neighbour moves."""
    client = RedisClient.from_url(url, decode_responses=True)
    try:
        stats = await client.info("commandstats")
    finally:
        await client.aclose()
    return Counter({k.removeprefix("cmdstat_"): v["calls"] for k, v in stats.items()})


async def records_on_topics(bootstrap: str) -> Counter[str]:
    """How many records each topic holds (the sum of its partitions' end offsets)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [
            TopicPartition(spec.name, p)
            for spec in topics.TOPICS
            for p in await partitions_of(bootstrap, spec.name)
        ]
        ends = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    found: Counter[str] = Counter()
    for partition, end in ends.items():
        found[partition.topic] += end
    return found


async def classifier_batches(url: str) -> tuple[float, float]:
    """(texts, batches) the classifier has scored, from its batch-size histogram."""
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"{url}/metrics")).text
    for family in text_string_to_metric_families(text):
        if family.name == "classifier_batch_size":
            found = {s.name: s.value for s in family.samples}
            return found["classifier_batch_size_sum"], found["classifier_batch_size_count"]
    return 0.0, 0.0


def bare_model(env: dict[str, str]) -> dict:
    """The model alone, in a process of its own with the classifier's environment."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bare_model"],
        env={**os.environ, **env}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.splitlines()[-1])


def bare_at(bare: dict, batch: float) -> float:
    """The bare model's CPU-ms per text at a mean batch size, between the measured sizes."""
    points = sorted((int(k.removeprefix("batch_")), v) for k, v in bare["cpu_ms_per_text"].items())
    below = max((p for p in points if p[0] <= batch), default=points[0])
    above = min((p for p in points if p[0] >= batch), default=points[-1])
    if above[0] == below[0]:
        return below[1]
    share = (batch - below[0]) / (above[0] - below[0])
    return round(below[1] + share * (above[1] - below[1]), 3)


def compare_classifier(latency: dict, bare: dict) -> None:
    for run in latency.values():
        base = bare_at(bare, run["classifier_mean_batch"])
        run["bare_model_cpu_ms_per_text"] = base
        run["classifier_over_bare_model"] = round(run["cpu_ms_per_post"]["classifier"] / base, 3)


async def latency_at_rate(
    redis_url: str,
    classifier: str,
    ingest: str,
    bootstrap: str,
    rate: float,
    seconds: float,
    platform: tuple[str, dict],
    pids: dict[str, int],
) -> dict:
    tenant, headers = platform
    idle = await asyncio.to_thread(idle_ms_per_s, pids, 5.0)
    commands_before = await redis_commands(redis_url)
    records_before = await records_on_topics(bootstrap)
    batches_before = await classifier_batches(classifier)
    cpu_before, window_start = cpu_of(pids), time.perf_counter()
    seen: dict[str, float] = {}
    ready = asyncio.Event()
    listener = asyncio.create_task(decisions_listener(bootstrap, tenant, seen, ready))
    await ready.wait()
    sent: dict[str, float] = {}
    errors = 0

    def on_answer(due: float, answer: Answer) -> None:
        nonlocal errors
        if answer.status == 202:
            sent[json.loads(answer.body)["post_id"]] = due
        else:
            errors += 1

    client = Client(ingest, headers, size=200)
    offered = await at_rate(
        client, "/v1/posts", lambda i: body(tenant, i), rate, seconds, on_answer
    )
    await client.close()
    deadline = time.perf_counter() + 120
    while set(sent) - set(seen) and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
    window = time.perf_counter() - window_start
    cpu = ms_per_post(cpu_before, cpu_of(pids), window, idle, max(1, len(sent)))
    commands = (await redis_commands(redis_url)) - commands_before
    records = (await records_on_topics(bootstrap)) - records_before
    texts_after, batches_after = await classifier_batches(classifier)
    texts, batches = texts_after - batches_before[0], batches_after - batches_before[1]
    listener.cancel()
    idle_after = await asyncio.to_thread(idle_ms_per_s, pids, 10.0)
    latencies = [(seen[p] - t) * 1000 for p, t in sent.items() if p in seen]
    return {
        "idle_cpu_ms_per_s": idle,
        "cpu_ms_per_post": cpu,
        "cpu_ms_per_post_all_but_classifier": round(
            sum(v for k, v in cpu.items() if k != "classifier"), 3
        ),
        # what each process burns whether posts come or not, shared out over the posts at this
        # rate: a setting that moves cost from per-post work into polling shows here
        "cpu_ms_per_post_idle_included": {
            name: round(cpu[name] + idle.get(name, 0) / rate, 3) for name in cpu
        },
        "idle_cpu_ms_per_s_after": idle_after,
        "classifier_mean_batch": round(texts / max(1, batches), 2),
        # every record a post caused, by topic (each is then read by every group on the topic)
        "kafka_records_per_post": {
            topic: round(n / max(1, len(sent)), 2) for topic, n in records.most_common()
        },
        "redis_commands_per_post": {
            name: round(n / max(1, len(sent)), 2) for name, n in commands.most_common()
        },
        "offered_rate_per_s": round(offered, 1),
        "posts": len(sent),
        "http_errors": errors,
        "decided": len(latencies),
        "lost": len(sent) - len(latencies),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "p99": round(percentile(latencies, 99), 1),
            "max": round(max(latencies), 1),
            "mean": round(statistics.fmean(latencies), 1),
        },
    }


WRK_SCRIPT = """
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"external_id":"e' .. counter .. '-' .. math.random(1, 1000000000)
    .. '","author_id":"a' .. (counter % 97) .. '","text":"This update is terrible, I want a refund. #' .. counter .. '"}'
  return wrk.format("POST", "/v1/posts",
    {["content-type"] = "application/json", ["authorization"] = "AUTHORIZATION"}, body)
end
"""


def wrk_saturation(ingest: str, seconds: float, concurrency: int, headers: dict) -> dict | None:
    """wrk (C) as the load generator: a Python client saturates a core before ingest does."""
    wrk = shutil.which("wrk")
    if not wrk:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT.replace("AUTHORIZATION", headers["authorization"]))
        script.flush()
        out = subprocess.run(
            [wrk, "-t1", f"-c{concurrency}", f"-d{int(seconds)}s", "-s", script.name, ingest],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"generator": "wrk", "accepted_per_s": rate, "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            "concurrency": concurrency, "seconds": seconds}  # fmt: skip


async def saturation(ingest: str, seconds: float, concurrency: int, platform: tuple) -> dict:
    tenant, headers = platform
    accepted = errors = 0
    counter = iter(range(10**9))
    async with httpx.AsyncClient(
        timeout=30, limits=httpx.Limits(max_connections=concurrency), headers=headers
    ) as client:
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal accepted, errors
            while time.perf_counter() < stop:
                response = await client.post(f"{ingest}/v1/posts", json=body(tenant, next(counter)))
                if response.status_code == 202:
                    accepted += 1
                else:
                    errors += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return {"generator": "httpx", "accepted_per_s": round(accepted / elapsed, 1), "accepted": accepted, "errors": errors,
            "concurrency": concurrency, "seconds": round(elapsed, 1)}  # fmt: skip


def batch_bodies(count: int, size: int) -> list[bytes]:
    """Request bodies of `size` new posts each, built before the clock starts."""
    run = uuid.uuid4().hex[:8]
    return [
        json.dumps(
            {
                "posts": [
                    {
                        "external_id": f"{run}-{b}-{i}",
                        "author_id": f"a{i % 97}",
                        "text": f"{post_text(i)}-{b}",
                    }
                    for i in range(size)
                ]
            }
        ).encode()
        for b in range(count)
    ]


async def batch_saturation(
    ingest: str, seconds: float, concurrency: int, headers: dict, pids: dict[str, int]
) -> dict:
    """`POST /v1/posts:batch` with 500 posts a request, `concurrency` requests in flight. The
    downstream consumers are paused (SIGSTOP) meanwhile: this measures what ingest accepts, not
    what the classifier on the same two cores can score."""
    bodies = batch_bodies(int(seconds * 80) + concurrency, 500)
    accepted = rejected = 0
    consumers = [
        pids[n] for n in ("classifier", "escalation", "gateway", "desk", "pulse") if n in pids
    ]
    for pid in consumers:
        os.kill(pid, signal.SIGSTOP)
    try:
        async with httpx.AsyncClient(
            timeout=60,
            limits=httpx.Limits(max_connections=concurrency),
            headers={**headers, "content-type": "application/json"},
        ) as client:
            queue = iter(bodies)
            stop = time.perf_counter() + seconds
            cpu_before = cpu_of({"ingest": pids["ingest"]})

            async def worker() -> None:
                nonlocal accepted, rejected
                for payload in queue:
                    if time.perf_counter() > stop:
                        return
                    answer = await client.post(f"{ingest}/v1/posts:batch", content=payload)
                    if answer.status_code != 200:
                        rejected += 500
                        continue
                    summary = answer.json()
                    accepted += summary["accepted"]
                    rejected += summary["rejected"]

            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            elapsed = time.perf_counter() - start
            cpu = cpu_of({"ingest": pids["ingest"]})["ingest"] - cpu_before["ingest"]
    finally:
        for pid in consumers:
            os.kill(pid, signal.SIGCONT)
    return {
        "accepted_per_s": round(accepted / elapsed, 1),
        "accepted": accepted,
        "rejected": rejected,
        "posts_per_request": 500,
        "concurrency": concurrency,
        "seconds": round(elapsed, 1),
        "ingest_cpu_ms_per_post": round(cpu * 1000 / max(1, accepted), 4),
    }


async def model_in_use(classifier: str, internal_token: str) -> dict:
    """The model the classifier serves (its scoring API is internal: the stack's token)."""
    headers = {"authorization": f"Bearer {internal_token}"}
    async with httpx.AsyncClient(timeout=30, headers=headers) as client:
        response = await client.post(f"{classifier}/v1/score", json={"texts": ["hello"]})
        response.raise_for_status()
        return response.json()["model"]


async def warm_up(ingest: str, platform: tuple[str, dict], seconds: float) -> None:
    """Load before measuring: a fresh Kafka spends its first minute compiling its hot paths
    (the JVM's JIT), which once counted as a tripled broker cost per post at the first rate."""
    tenant, headers = platform
    client = Client(ingest, headers, size=100)
    await at_rate(client, "/v1/posts", lambda i: body(tenant, i), 50, seconds, lambda *_: None)
    await client.close()
    await asyncio.sleep(5)


def at_rates(
    env: dict,
    redis_url: str,
    classifier: str,
    ingest: str,
    bootstrap: str,
    rates: str,
    seconds: float,
    pids: dict[str, int],
) -> dict:
    latency = {}
    for rate in (float(r) for r in rates.split(",")):
        caller = new_platform(env, ingest, "lat")
        key = f"{rate:g}_per_s"
        latency[key] = asyncio.run(
            latency_at_rate(redis_url, classifier, ingest, bootstrap, rate, seconds, caller, pids)
        )
        print(f"latency at {rate:g} posts/s: {latency[key]}", flush=True)
    return latency


def settings_of(given: list[str]) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """`--env` values: those for every service, and those for one service by name."""
    every: dict[str, str] = {}
    env_of: dict[str, dict[str, str]] = {}
    for item in given:
        setting, _, value = item.partition("=")
        target, _, name = setting.rpartition(":")
        (env_of.setdefault(target, {}) if target else every)[name] = value
    return every, env_of


def headline(result: dict) -> dict:
    """Per rate: CPU-ms per post of each process and of all but the classifier, the p99 from
    accepted to decided, and the classifier's batch."""
    return {
        rate: {
            "all_but_classifier": run["cpu_ms_per_post_all_but_classifier"],
            **run["cpu_ms_per_post"],
            "p99_ms": run["latency_ms"]["p99"],
            "classifier_batch": run.get("classifier_mean_batch"),
        }
        for rate, run in result["latency_at_fixed_rate"].items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="50,100", help="posts/s, comma-separated, run in order")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--saturation-seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--skip-saturation", action="store_true")
    parser.add_argument("--warm-up", type=float, default=30.0, help="seconds of load first")
    parser.add_argument(
        "--history",
        type=int,
        default=50_000,
        help="open cases seeded for the second pass (0: none)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "pipeline.json")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="[SERVICE:]NAME=VALUE",
        help="a setting for every service, or for one (e.g. classifier:KAFKA_FETCH_MIN_BYTES=65536)",
    )
    args = parser.parse_args()

    every, env_of = settings_of(args.env)
    with running_stack(extra_env=every, env_of=env_of) as stack:
        kafka, env, pids = stack.kafka, stack.env, stack.pids
        ingest, classifier = stack.url("ingest"), stack.url("classifier")
        model = asyncio.run(model_in_use(classifier, env["INTERNAL_TOKEN"]))
        print(f"model: {model['id']} {model['version']}; cpu: {cpu_isa()}", flush=True)
        asyncio.run(warm_up(ingest, new_platform(env, ingest, "warm"), args.warm_up))
        rates = partial(
            at_rates, env, stack.redis.url, classifier, ingest, kafka.bootstrap, args.rates,
            args.seconds, pids,
        )  # fmt: skip
        latency = rates()
        history = None
        if args.history:  # before the saturation runs, whose backlog would be seeded too
            seeded = asyncio.run(seed_open_cases(kafka.bootstrap, args.history))
            print(f"seeded through the topics: {seeded}", flush=True)
            history = {"seeding": seeded, "latency_at_fixed_rate": rates()}
        sat = batch = None
        if not args.skip_saturation:
            caller = new_platform(env, ingest, "sat")
            sat = wrk_saturation(
                ingest, args.saturation_seconds, args.concurrency, caller[1]
            ) or asyncio.run(saturation(ingest, args.saturation_seconds, args.concurrency, caller))
            print(f"ingest saturation: {sat}", flush=True)
            batch = asyncio.run(
                batch_saturation(
                    ingest, args.saturation_seconds, 4, new_platform(env, ingest, "batch")[1], pids
                )
            )
            print(f"batch ingest saturation: {batch}", flush=True)
    bare = bare_model(env)
    print(f"the model alone: {bare}", flush=True)
    compare_classifier(latency, bare)
    if history:
        compare_classifier(history["latency_at_fixed_rate"], bare)
    result = {
        "benchmark": "pipeline",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            **cpu_isa(),
        },
        "model": model,
        "classifier_threads": env["CLASSIFIER_THREADS"],
        "settings": {"every service": every, **env_of},
        "bare_model": bare,
        "latency_at_fixed_rate": latency,
        "with_history": history,
        "ingest_saturation": sat,
        "batch_ingest_saturation": batch,
    }
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
