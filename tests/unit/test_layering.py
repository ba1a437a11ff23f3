"""The rooms stay apart, and the domain stays pure. The rules are read off the tree, so they
cover every service and module added later:

- a service is a package under `services/` with a `__main__.py` (it runs as a process);
  every other package there (contracts, shared, policy) is neutral code below all of them;
- a service imports no other service's modules, and neutral code imports no service;
- domain code (any `domain/` package, and the neutral `contracts` and `policy` packages)
  imports no infrastructure and nothing of its service outside `domain/`;
- a service writes only Redis keys under its own prefix (`<service>:`): no string in its code
  starts with another service's prefix.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.contracts.credentials import Scope

ROOT = Path(__file__).resolve().parents[2] / "services"
INFRASTRUCTURE = (
    "redis",
    "faststream",
    "fastapi",
    "aiokafka",
    "httpx",
    "starlette",
    "uvicorn",
    "prometheus_client",
)
PURE_NEUTRAL = ("contracts", "policy")
SCOPES = frozenset(scope.value for scope in Scope)


@dataclass(frozen=True)
class Module:
    path: Path
    package: str  # the top package under services/
    imports: frozenset[str]
    strings: frozenset[str]

    @property
    def is_domain(self) -> bool:
        parts = self.path.parts
        return "domain" in parts or self.package in PURE_NEUTRAL


def read_module(root: Path, path: Path) -> Module:
    tree = ast.parse(path.read_text())
    imports: set[str] = set()
    strings: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.count(".") == 1:  # `from services.x import y`: y may be a module
                imports |= {f"{node.module}.{alias.name}" for alias in node.names}
            else:
                imports.add(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.add(node.value)
    return Module(
        path.relative_to(root),
        path.relative_to(root).parts[0],
        frozenset(imports),
        frozenset(strings),
    )


def services_in(root: Path) -> set[str]:
    return {p.parent.name for p in root.glob("*/__main__.py")}


def modules_in(root: Path) -> list[Module]:
    return [read_module(root, p) for p in sorted(root.rglob("*.py"))]


def violations(root: Path) -> list[str]:
    services = services_in(root)
    found = []
    for module in modules_in(root):
        for name in sorted(module.imports):
            parts = name.split(".")
            if parts[0] == "services" and len(parts) > 1:
                target = parts[1]
                if target in services and target != module.package:
                    found.append(f"{module.path}: imports {name} (another service)")
                own = target == module.package and module.package in services
                if module.is_domain and own and "domain" not in parts[2:3]:
                    found.append(f"{module.path}: domain code imports {name} (outside domain/)")
                if module.is_domain and target == "shared":
                    found.append(f"{module.path}: domain code imports {name} (wiring)")
            if module.is_domain and parts[0] in INFRASTRUCTURE:
                found.append(f"{module.path}: domain code imports {name} (infrastructure)")
        owner = module.package
        for text in sorted(module.strings - SCOPES):  # a scope names a permission, not a key
            prefix = text.split(":", 1)[0] if ":" in text else None
            if prefix in services and prefix != owner:
                found.append(f"{module.path}: names a key of {prefix!r}: {text!r}")
    return found


def test_services_are_found_in_the_tree() -> None:
    assert services_in(ROOT) >= {"ingest", "classifier", "escalation", "gateway"}
    assert not services_in(ROOT) & {"contracts", "shared", "policy"}


def test_the_tree_keeps_its_layers() -> None:
    assert violations(ROOT) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "services"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


BASE = {"alpha/__main__.py": "", "beta/__main__.py": "", "contracts/events.py": ""}


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("alpha/adapters.py", "from services.beta.store import Thing\n", "another service"),
        ("alpha/adapters.py", "import services.beta.store\n", "another service"),
        ("contracts/events.py", "from services.alpha import x\n", "another service"),
        ("alpha/domain/rules.py", "import redis\n", "infrastructure"),
        ("alpha/domain/rules.py", "from services.alpha.adapters import x\n", "outside domain/"),
        ("contracts/topics.py", "from fastapi import APIRouter\n", "infrastructure"),
        ("alpha/store.py", "KEY = 'beta:case:{}'\n", "names a key of 'beta'"),
    ],
)
def test_each_rule_catches_a_breach(tmp_path: Path, name: str, text: str, expected: str) -> None:
    root = _tree(tmp_path, {**BASE, name: text})
    found = violations(root)
    assert len(found) == 1 and expected in found[0], found


def test_what_is_allowed_passes(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            **BASE,
            "alpha/domain/rules.py": "from services.contracts.events import E\nimport json\n",
            "alpha/adapters.py": "import redis\nfrom services.alpha.domain.rules import r\n"
            "KEY = 'alpha:case:{}'\nfrom services.shared.kafka import x\n",
        },
    )
    assert violations(root) == []
