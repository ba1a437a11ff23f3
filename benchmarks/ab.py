"""Before and after in one run: a benchmark run in turn on a baseline commit and on this tree.

Figures move between machines and within minutes, so a change is judged only against its
baseline measured in the same session, interleaved (A B A B by default) so that drift shows as
A differing from A. The baseline runs from a git worktree of the commit (its own services,
started from there), with this checkout's Python environment; this tree runs as it is.

    python -m benchmarks.ab --baseline 1ed3bf1 -- benchmarks.ingest --seconds 10 --rounds 1
    make bench BASELINE=1ed3bf1     # the pipeline at 100, 30 and 10 posts/s; ingest alone

Each run's own result file is kept whole under `runs`, with a headline per run (`headline`
of the benchmark's module, when it has one) and the CPU's model and ISA. Written to
benchmarks/results/<benchmark>_ab.json unless `--out` says otherwise.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import RESULTS
from benchmarks.cpu import cpu_isa

ROOT = RESULTS.parent.parent


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()  # fmt: skip


def this_tree() -> str:
    head = git("rev-parse", "--short", "HEAD")
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def run_once(module: str, args: list[str], cwd: Path, out: Path) -> dict:
    command = [sys.executable, "-m", module, *args, "--out", str(out)]
    print(f"$ (cd {cwd} && {' '.join(command[1:])})", flush=True)
    subprocess.run(command, cwd=cwd, check=True)
    return json.loads(out.read_text())


def headline_of(module: str, result: dict) -> dict | None:
    summarize = getattr(importlib.import_module(module), "headline", None)
    return summarize(result) if summarize else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="a commit, tag or branch")
    parser.add_argument("--candidate", help="B from a worktree of this commit, not this tree "
                        "(so the tree can change while it runs)")  # fmt: skip
    parser.add_argument("--order", default="ABAB", help="A: the baseline, B: the candidate")
    parser.add_argument("--b-env", action="append", default=[], metavar="[SERVICE:]NAME=VALUE",
                        help="a setting for B's runs only (A/B of a setting: --candidate "
                        "the baseline's commit)")  # fmt: skip
    parser.add_argument("--out", type=Path)
    parser.add_argument("module", help="the benchmark, e.g. benchmarks.ingest")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="its arguments, after --")
    given = parser.parse_args()
    args = [a for a in given.args if a != "--"]
    baseline = git("rev-parse", "--short", given.baseline)
    name = given.module.rsplit(".", 1)[-1]
    out = given.out or RESULTS / f"{name}_ab.json"
    scratch = Path(tempfile.mkdtemp(prefix="ab-"))
    worktree = scratch / f"baseline-{baseline}"
    git("worktree", "add", "--detach", str(worktree), baseline)
    candidate, sides = ROOT, {"A": f"{baseline} (baseline, in a worktree)"}
    if given.candidate:
        sides["B"] = f"{git('rev-parse', '--short', given.candidate)} (in a worktree)"
        candidate = scratch / "candidate"
        git("worktree", "add", "--detach", str(candidate), given.candidate)
    else:
        sides["B"] = f"{this_tree()} (this tree)"
    if given.b_env:
        sides["B"] += f", with {' '.join(given.b_env)}"
    runs = []
    try:
        for number, side in enumerate(given.order, 1):
            cwd = worktree if side == "A" else candidate
            extra = [] if side == "A" else [f"--env={e}" for e in given.b_env]
            result = run_once(given.module, args + extra, cwd, scratch / f"{number}-{side}.json")
            runs.append({"side": side, "headline": headline_of(given.module, result),
                         "result": result})  # fmt: skip
            print(f"{side}{number}: {runs[-1]['headline']}", flush=True)
    finally:
        for tree in {worktree, candidate} - {ROOT}:
            git("worktree", "remove", "--force", str(tree))
    report = {
        "benchmark": f"{name}, A/B in one run",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command": f"python -m benchmarks.ab --baseline {given.baseline} --order {given.order} "
        f"-- {given.module} {' '.join(args)}",
        "cpu": cpu_isa(),
        "sides": sides,
        "headlines": [{"side": r["side"], **(r["headline"] or {})} for r in runs],
        "runs": runs,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"cpu: {cpu_isa()}")
    for line in report["headlines"]:
        print(json.dumps(line))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
