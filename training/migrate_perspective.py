"""Off Perspective without re-tuning: fit your Perspective score map from your own log of
Perspective's answers, report what it changes, and (with --publish) make it live.

    make migrate-perspective HISTORY=answers.jsonl [PUBLISH=1] [THRESHOLD=0.8]
    python -m training.migrate_perspective --history answers.csv --gateway http://127.0.0.1:8000

HISTORY is CSV or JSON lines: a `text` column and one column per Perspective attribute holding
the score Perspective gave (`TOXICITY`, `INSULT`... any case; empty where it was not asked).
Every text is scored by the running models through the gateway's Perspective endpoint, on our
own scale (`X-Score-Map: none`, `doNotStore`: nothing is kept). Per attribute, a curve from our
scores to Perspective's (training/perspective_map.py); the report says, at thresholds 0.5 to
0.9, the share of comments flagged then (Perspective), now (our scale) and now mapped; the rank
agreement; and the comments that change side at your own THRESHOLD, for review. It writes
`map.json` and `report.json` under --out. With --publish, the map goes live for the key's
platform (scope `score-maps:manage`) as a new version; `DELETE` or `rollback` on
/v1/perspective/score-map undo it.

The key comes from PERSPECTIVE_KEY (a platform API key with the `score` scope, and
`score-maps:manage` to publish).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
from dataclasses import asdict
from pathlib import Path

import httpx
import numpy as np

# the attributes the Perspective endpoint scores (its pure domain module: no service runs here)
from services.gateway.domain.perspective import ATTRIBUTES
from training.perspective_map import fit_curve, report

CONCURRENCY = 8


def read_history(path: Path) -> tuple[list[str], dict[str, list[float | None]]]:
    """The texts, and per attribute Perspective's score for each (None where it was not asked)."""
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    else:
        lines = path.read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
    if not rows or "text" not in rows[0]:
        raise SystemExit(f"{path}: needs a `text` column and one column per attribute")
    named = {column.upper(): column for column in rows[0] if column.upper() in ATTRIBUTES}
    if not named:
        raise SystemExit(
            f"{path}: no Perspective attribute column (one of {', '.join(ATTRIBUTES)})"
        )
    scores = {
        attribute: [_score(row.get(column)) for row in rows] for attribute, column in named.items()
    }
    return [str(row["text"]) for row in rows], scores


def _score(value) -> float | None:
    if value in (None, ""):
        return None
    found = float(value)
    if not 0.0 <= found <= 1.0:
        raise SystemExit(f"a Perspective score is between 0 and 1, not {value}")
    return found


async def our_scores(
    client: httpx.AsyncClient,
    texts: list[str],
    attributes: list[str],
    own_scale: bool = True,
    concurrency: int = CONCURRENCY,
) -> list[dict[str, float] | None]:
    """Our own scale for each text (None: refused, e.g. a language no model reads); with
    `own_scale=False`, what the platform gets, through its live score map. Comments asked at
    once may share a batch in the classifier, whose int8 runtime moves a score by about 0.01
    with its batch-mates; one at a time (`concurrency=1`), each pass gives the same scores."""
    gate = asyncio.Semaphore(concurrency)

    async def one(text: str) -> dict[str, float] | None:
        body = {"comment": {"text": text}, "doNotStore": True,
                "requestedAttributes": {name: {} for name in attributes}}  # fmt: skip
        async with gate:
            answer = await analyze(client, body, own_scale)
        if answer.status_code == 400:
            return None
        answer.raise_for_status()
        found = answer.json()["attributeScores"]
        return {name: found[name]["summaryScore"]["value"] for name in found}

    return await asyncio.gather(*(one(text) for text in texts))


async def analyze(
    client: httpx.AsyncClient, body: dict, own_scale: bool = True, most: int = 60
) -> httpx.Response:
    """One comment on our own scale; over the key's rate limit, wait as long as the gateway's
    Retry-After says and ask again (the server's own answer: no back-off to guess)."""
    for _ in range(most):
        headers = {"X-Score-Map": "none"} if own_scale else {}
        answer = await client.post("/v1alpha1/comments:analyze", json=body, headers=headers)
        if answer.status_code != 429:
            return answer
        await asyncio.sleep(float(answer.headers.get("Retry-After", 1)))
    answer.raise_for_status()
    return answer


async def served_of(client: httpx.AsyncClient, attributes: list[str]) -> list[str]:
    """The attributes the running models answer (one plain English probe each)."""
    served = []
    for name in attributes:
        body = {"comment": {"text": "Thank you for the update."}, "doNotStore": True,
                "languages": ["en"], "requestedAttributes": {name: {}}}  # fmt: skip
        answer = await analyze(client, body)
        if answer.status_code == 200:
            served.append(name)
        else:
            print(f"{name}: not served by the running models ({answer.status_code}); skipped")
    return served


async def migrate(
    texts: list[str],
    history: dict[str, list[float | None]],
    gateway: str,
    key: str,
    threshold: float = 0.8,
    publish: bool = False,
    concurrency: int = CONCURRENCY,
) -> dict:
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=gateway, headers=headers, timeout=60) as client:
        served = await served_of(client, sorted(history))
        history = {attribute: history[attribute] for attribute in served}
        ours = await our_scores(client, texts, served, concurrency=concurrency)
        curves, reports = {}, []
        for attribute, theirs in history.items():
            rows = [
                i
                for i, t in enumerate(theirs)
                if t is not None and ours[i] and attribute in ours[i]
            ]
            if len(rows) < 20:
                print(
                    f"{attribute}: {len(rows)} comments scored both ways, too few to fit; skipped"
                )
                continue
            x = np.array([ours[i][attribute] for i in rows])
            y = np.array([theirs[i] for i in rows])
            curves[attribute] = fit_curve(x, y)
            reports.append(
                report(attribute, [texts[i] for i in rows], x, y, curves[attribute], threshold)
            )
        refused = sum(1 for found in ours if found is None)
        fitted_on = {"comments": len(texts), "refused": refused, "threshold": threshold}
        result = {
            "map": {
                "curves": {a: c.model_dump() for a, c in curves.items()},
                "fitted_on": fitted_on,
            },
            "reports": [asdict(r) for r in reports],
        }
        if publish and curves:
            answer = await client.put("/v1/perspective/score-map", json=result["map"])
            answer.raise_for_status()
            result["published"] = answer.json()
    return result


def print_report(reports: list[dict], threshold: float) -> None:
    for found in reports:
        print(f"\n{found['attribute']}: {found['comments']} comments, rank agreement "
              f"(Spearman) {found['rank_agreement']}")  # fmt: skip
        print("  threshold   then   now (our scale)   now (mapped)")
        for t, shares in found["flagged"].items():
            print(
                f"  {t:>9}  {shares['then']:6.1%}  {shares['now_raw']:16.1%}  {shares['mapped']:13.1%}"
            )
        print(
            f"  {found['changed_side']} comments change side at {threshold}; the first are in report.json"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=Path, required=True)
    parser.add_argument("--gateway", default=os.environ.get("GATEWAY_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--threshold", type=float, default=0.8, help="your own threshold")
    parser.add_argument("--out", type=Path, default=Path("perspective-map"))
    parser.add_argument("--publish", action="store_true")
    args = parser.parse_args()
    key = os.environ.get("PERSPECTIVE_KEY")
    if not key:
        raise SystemExit(
            "set PERSPECTIVE_KEY to a platform API key (scopes: score, score-maps:manage)"
        )
    texts, history = read_history(args.history)
    result = asyncio.run(migrate(texts, history, args.gateway, key, args.threshold, args.publish))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "map.json").write_text(json.dumps(result["map"], indent=2) + "\n")
    (args.out / "report.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_report(result["reports"], args.threshold)
    if "published" in result:
        print(f"\npublished as version {result['published']['version']}")
    print(f"wrote {args.out / 'map.json'} and {args.out / 'report.json'}")


if __name__ == "__main__":
    main()
