"""The README's commands really run, and the example shows what the README says it shows."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_readme_has_install_example_and_test_commands() -> None:
    commands = readme_commands()
    assert commands[0].startswith("pip install")
    assert "newsbrief brief examples/bridge" in commands
    assert "scripts/test" in commands


def test_the_test_command_is_the_one_ci_runs() -> None:
    """The README's test command installs the dev extra and runs ruff, mypy and pytest; CI calls it."""
    script = (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    for step in ('pip install --quiet -e ".[dev]"', "ruff check src tests benchmarks", "\nmypy\n", "python -m pytest"):
        assert step in script, step
    assert "chromium" in script
    assert "\nscripts/test\n" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_example_command_runs() -> None:
    executable = shutil.which("newsbrief")
    assert executable, "the newsbrief console script is installed by the README's install command"
    command = next(c for c in readme_commands() if c.startswith("newsbrief "))
    result = subprocess.run(
        [executable, *shlex.split(command)[1:]], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("# Cargo ship strikes Meridian Bridge")
    # The four outlets that report the strike (the fourth in its own words, cited as a paraphrase).
    assert re.search(r"^- A cargo ship lost power .* \[1\]\[2\]\[3\]\[4\]$", out, flags=re.M)
    disagreements = out.split("### Disagreements")[1].split("###")[0]
    assert "$42 million" in disagreements and "$45 million" in disagreements
    assert "06_newsletter.html: not an article: newsletter sign-up page" in out
    for junk in ("More news:", "Dana Whitfield", "Share this", "Latest News", "cookies"):
        assert junk not in out
    assert "## Timeline" in out and "3 Mar 2025" in out
