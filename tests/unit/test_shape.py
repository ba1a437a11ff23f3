"""Sizes a newcomer can read: no service holds more than 3,500 lines of Python, and no handler
(a Kafka handler in `handlers.py`, an HTTP route in `api.py` or `api/routes/`) is longer than
40 lines. Read off the tree, so they cover every service and module added later."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "services"
SERVICES = sorted(p.parent.name for p in ROOT.glob("*/__main__.py"))
MAX_SERVICE_LINES = 3_500
MAX_HANDLER_LINES = 40


def is_handler_module(path: Path) -> bool:
    return path.name in ("handlers.py", "api.py") or "routes" in path.parts


@pytest.mark.parametrize("service", SERVICES)
def test_no_service_holds_more_than_3500_lines(service: str) -> None:
    lines = sum(len(p.read_text().splitlines()) for p in (ROOT / service).rglob("*.py"))
    assert lines <= MAX_SERVICE_LINES, f"{service} holds {lines} lines of Python"


def test_no_handler_is_longer_than_40_lines() -> None:
    long = []
    for path in sorted(ROOT.rglob("*.py")):
        if not is_handler_module(path):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_HANDLER_LINES:
                    long.append(f"{path.relative_to(ROOT)}: {node.name} ({length} lines)")
    assert not long, long
