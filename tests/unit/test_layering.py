"""Domain code does no I/O: it imports no broker, web framework or Redis client."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "services"
PURE = [
    *sorted((ROOT / "escalation" / "domain").glob("*.py")),
    *sorted((ROOT / "gateway" / "domain").glob("*.py")),
    ROOT / "classifier" / "normalize.py",
    ROOT / "classifier" / "scoring.py",
    ROOT / "ingest" / "submission.py",
    ROOT / "contracts" / "events.py",
    ROOT / "contracts" / "topics.py",
]
FORBIDDEN = ("redis", "faststream", "fastapi", "aiokafka", "httpx", "starlette", "uvicorn")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", PURE, ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_modules_import_no_infrastructure(path: Path) -> None:
    bad = {name for name in imported_modules(path) if name.split(".")[0] in FORBIDDEN}
    assert not bad, f"{path.name} imports {bad}"
