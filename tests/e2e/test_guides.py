"""Every `bash` block of the README and the guides in docs/, run in order as one script per
page against this package's real stack (Kafka, Redis, the seven services), with `make up`'s
addresses moved to the stack's: a guide whose commands no longer work fails here."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from deploy.docs import GUIDES, blocks, guide_script
from tests.e2e.conftest import Stack

ROOT = Path(__file__).resolve().parents[2]
RUN = [path for path in GUIDES if blocks(path)]


@pytest.mark.parametrize("guide", RUN, ids=[path.name for path in RUN])
def test_the_guides_commands_run(guide: Path, stack: Stack) -> None:
    script = guide_script(guide, {name: stack.url(name) for name in stack.services})
    env = {**os.environ, **stack.services["desk"].env}  # the stack's Kafka, Redis, URLs, token
    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, (
        f"{guide.name}: exit {done.returncode}\n--- script\n{script}\n"
        f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}"
    )
