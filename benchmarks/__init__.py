"""Benchmarks: each prints its figures and writes them under `RESULTS`."""

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
