"""The user's config file as a user meets it: defaults, then the file, then flags."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsbrief.config import load_config

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bridge"


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    """A user config folder of our own, so that no real config of the machine leaks in."""
    (tmp_path / "xdg").mkdir()
    return tmp_path / "xdg"


def run(home: Path, *args: str | Path, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NEWSBRIEF_CONFIG"}
    env["XDG_CONFIG_HOME"] = str(home)
    if config is not None:
        env["NEWSBRIEF_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "newsbrief", *map(str, args)], capture_output=True, text=True, timeout=300, env=env
    )


def brief_words(result: subprocess.CompletedProcess[str]) -> int:
    assert result.returncode == 0, result.stderr
    return int(json.loads(result.stdout)["words"])


def test_the_user_config_sets_defaults_and_flags_still_win(home: Path) -> None:
    (home / "newsbrief").mkdir()
    (home / "newsbrief" / "config.toml").write_text(
        '[brief]\nwords = 40\nfacts = false\nformat = "json"\n', encoding="utf-8"
    )
    short = run(home, "brief", EXAMPLE)
    data = json.loads(short.stdout)
    assert data["facts"] is None and brief_words(short) < 70
    flagged = run(home, "brief", EXAMPLE, "--words", "150", "--facts")
    assert json.loads(flagged.stdout)["facts"] is not None and brief_words(flagged) > 100
    assert "word budget (default 40)" in run(home, "brief", "--help").stdout


def test_a_config_named_by_the_environment_gives_every_command_its_store(home: Path, tmp_path: Path) -> None:
    store = tmp_path / "elsewhere" / "news.sqlite"
    config = tmp_path / "team.toml"
    config.write_text(f'db = "{store}"\n\n[ingest]\nquiet = true\n', encoding="utf-8")
    ingest = run(home, "ingest", EXAMPLE, config=config)
    assert ingest.returncode == 0, ingest.stderr
    assert store.is_file()
    listing = run(home, "stories", config=config)
    assert "Meridian Bridge" in listing.stdout
    other = tmp_path / "other.sqlite"
    assert run(home, "--config", config, "ingest", EXAMPLE, "--db", other).returncode == 0
    assert other.is_file()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[brief]\nwordz = 40\n", "[brief] has no setting 'wordz' (known: words, format"),
        ("[brief]\nwords = 0\n", "[brief] words must be a positive whole number, not 0"),
        ('[brief]\nformat = "pdf"\n', '[brief] format must be "md" or "json" or "html", not \'pdf\''),
        ("[brief]\nfacts = 1\n", "[brief] facts must be true or false, not 1"),
        ("[summary]\nwords = 40\n", "unknown entry 'summary'"),
        ("brief = 3\n", "brief must be a table ([brief]), not 3"),
        ("[brief\nwords = 40\n", "not valid TOML"),
    ],
)
def test_a_bad_config_is_one_line_naming_the_file_and_setting(
    home: Path, tmp_path: Path, text: str, message: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    result = run(home, "--config", config, "brief", EXAMPLE)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"Error: {config}: ")
    assert message in result.stderr


def test_a_missing_config_file_is_named(home: Path, tmp_path: Path) -> None:
    result = run(home, "brief", EXAMPLE, config=tmp_path / "nowhere.toml")
    assert result.returncode == 2
    assert result.stderr == f"Error: config file {tmp_path / 'nowhere.toml'} does not exist\n"
    folder = run(home, "--config", tmp_path, "brief", EXAMPLE)
    assert folder.returncode == 2 and folder.stderr.startswith(f"Error: cannot read config file {tmp_path} (")


def test_dev_null_as_the_config_means_no_settings(home: Path) -> None:
    (home / "newsbrief").mkdir()
    (home / "newsbrief" / "config.toml").write_text("[brief]\nwords = 40\n", encoding="utf-8")
    assert brief_words(run(home, "--config", "/dev/null", "brief", EXAMPLE, "--format", "json")) > 100


def test_the_readme_example_config_is_valid(tmp_path: Path) -> None:
    readme = (EXAMPLE.parents[1] / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```toml\n(.*?)```", readme, flags=re.S)
    config = tmp_path / "config.toml"
    config.write_text(block, encoding="utf-8")
    settings = load_config(config)
    assert settings["brief"]["words"] == 120 and settings["eval"]["words"] == 230
    assert settings["stories"]["db"] == str(Path("~/news/store.sqlite").expanduser())


def test_a_store_named_in_a_command_table_is_expanded_like_the_top_level_one(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('db = "~/all.sqlite"\n\n[brief]\ndb = "~/briefs.sqlite"\n', encoding="utf-8")
    settings = load_config(config)
    assert settings["brief"]["db"] == str(Path("~/briefs.sqlite").expanduser())
    assert settings["ingest"]["db"] == str(Path("~/all.sqlite").expanduser())
