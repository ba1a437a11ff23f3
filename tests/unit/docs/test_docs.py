"""The documentation: a README that is a front door, a site MkDocs builds with --strict (no
broken link, no missing screenshot), a policy reference that is what the policy models say, and
guides that each show their reader commands to run (tests/e2e/test_guides.py runs them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from deploy.docs import GUIDES, POLICY_REFERENCE, blocks, policy_reference

ROOT = Path(__file__).resolve().parents[3]
# one per reader the issue names: platforms (and those moving off Perspective), moderators,
# community managers, policy authors, operators
WALKTHROUGHS = ("platforms", "perspective", "moderators", "community-managers", "policies")
WALKTHROUGHS += ("operators",)


def test_the_readme_is_a_front_door() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    for guide in WALKTHROUGHS:
        assert f"(docs/{guide}.md)" in readme, guide


def test_the_policy_reference_is_what_the_models_say() -> None:
    assert POLICY_REFERENCE.read_text(encoding="utf-8") == policy_reference(), (
        "run `python -m deploy.docs` and commit docs/policy-reference.md"
    )


def test_each_readers_guide_has_commands_to_run() -> None:
    by_name = {path.stem: path for path in GUIDES}
    for guide in WALKTHROUGHS:
        assert blocks(by_name[guide]), f"docs/{guide}.md has no bash block"
    assert blocks(ROOT / "README.md")


def test_the_site_builds_with_strict_checks(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    pages = {path.name for path in tmp_path.glob("*.html")}
    assert {f"{guide}.html" for guide in WALKTHROUGHS} <= pages
    assert (tmp_path / "screenshots" / "03-case.png").exists()
    # nothing a page loads comes from another site
    for page in tmp_path.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "unpkg.com" not in text, page.name
