"""CPU time of processes from /proc: what a process used, whatever else the machine did (a
noisy neighbour moves wall time, not this)."""

from __future__ import annotations

import os
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def cpu_of(pids: dict[str, int]) -> dict[str, float]:
    return {name: cpu_seconds(pid) for name, pid in pids.items()}


def idle_ms_per_s(pids: dict[str, int], seconds: float) -> dict[str, float]:
    start = cpu_of(pids)
    time.sleep(seconds)
    return {
        name: round((cpu_seconds(pid) - start[name]) * 1000 / seconds, 2)
        for name, pid in pids.items()
    }


def ms_per_post(
    before: dict[str, float],
    after: dict[str, float],
    seconds: float,
    idle: dict[str, float],
    posts: int,
) -> dict[str, float]:
    """CPU-milliseconds per post of each process over a window, its idle burn taken out."""
    return {
        name: round(max(0.0, (after[name] - before[name]) * 1000 - idle[name] * seconds) / posts, 3)
        for name in before
    }


def cpu_isa() -> dict:
    """The processor's model and the instruction sets inference speed depends on."""
    flags: set[str] = set()
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("flags") and not flags:
            flags = set(line.split(":", 1)[1].split())
        if line.startswith("model name") and not model:
            model = line.split(":", 1)[1].strip()
    wanted = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_int8", "amx_bf16")
    return {"model": model, **{flag: flag in flags for flag in wanted}}
