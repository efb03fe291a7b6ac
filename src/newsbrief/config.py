"""The user's config file: packaged defaults, then this file, then command-line flags.

A TOML file, taken from ``--config PATH``, else ``$NEWSBRIEF_CONFIG``, else
``config.toml`` in the user's config folder (``newsbrief`` under ``platformdirs.user_config_path``)
when it exists. One table per command, keys named like the command's long flags; a top-level
``db`` is the store of every command that has ``--db``::

    db = "~/news/store.sqlite"

    [brief]
    words = 120
    format = "html"     # md, json, html
    facts = true
    timeline = true
    ner = "rules"       # rules, spacy
    order = "newest"    # oldest, newest

    [eval]
    words = 230

    [ingest]
    quiet = true

    [limits]            # what one input may cost (newsbrief.inputs.limits.Limits; sizes in MB)
    extract_seconds = 20
    file_mb = 5
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsbrief.errors import InputError
from newsbrief.inputs.limits import Limits

ENV_VAR = "NEWSBRIEF_CONFIG"

# Per command: setting -> bool, int (a positive whole number), Path (a file; "~" expanded) or the allowed strings.
SETTINGS: dict[str, dict[str, Any]] = {
    "brief": {
        "words": int,
        "format": ("md", "json", "html"),
        "facts": bool,
        "timeline": bool,
        "ner": ("rules", "spacy"),
        "order": ("oldest", "newest"),
        "db": Path,
    },
    "eval": {"words": int},
    "ingest": {"db": Path, "quiet": bool},
    "stories": {"db": Path},
    "serve": {"db": Path, "port": int},
    "limits": dict.fromkeys(Limits.names(), int),
}
MAX_CONFIG_BYTES = 1_000_000


def config_path(explicit: str | None = None) -> Path | None:
    """The config file to read: the one named, else ``$NEWSBRIEF_CONFIG``, else the user's if it exists."""
    named = explicit or os.environ.get(ENV_VAR)
    if named:
        path = Path(named).expanduser()
        if not path.exists():
            raise InputError(f"config file {path} does not exist")
        return path
    from platformdirs import user_config_path

    default = user_config_path("newsbrief", appauthor=False) / "config.toml"
    try:
        return default if default.is_file() else None
    except OSError as err:
        raise InputError(f"cannot read config file {default} ({err.strerror or err})") from None


def load_config(path: Path | None) -> dict[str, dict[str, object]]:
    """Checked settings per command (empty without a file); a bad file is one `InputError`."""
    if path is None:
        return {}
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_CONFIG_BYTES + 1)
        if len(raw) > MAX_CONFIG_BYTES:
            raise InputError(f"config file {path} is over {MAX_CONFIG_BYTES // 1_000_000} MB; not a settings file")
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read config file {path} ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{path}: not valid TOML ({err})") from None
    settings: dict[str, dict[str, object]] = {command: {} for command in SETTINGS}
    for key, value in data.items():
        if key == "db":
            db = _check(path, "db", Path, value)
            for command, allowed in SETTINGS.items():
                if "db" in allowed:
                    settings[command]["db"] = db
        elif key in SETTINGS:
            if not isinstance(value, Mapping):
                raise InputError(f"{path}: {key} must be a table ([{key}]), not {value!r}")
            for name, item in value.items():
                if name not in SETTINGS[key]:
                    known = ", ".join(SETTINGS[key])
                    raise InputError(f"{path}: [{key}] has no setting {name!r} (known: {known})")
                settings[key][name] = _check(path, f"[{key}] {name}", SETTINGS[key][name], item)
        else:
            known = ", ".join(["db", *(f"[{c}]" for c in SETTINGS)])
            raise InputError(f"{path}: unknown entry {key!r} (known: {known})")
    return {command: values for command, values in settings.items() if values}


def _check(path: Path, name: str, kind: Any, value: object) -> object:
    if kind is bool and isinstance(value, bool):
        return value
    if kind is int and isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    if kind is Path and isinstance(value, str) and value:
        return str(Path(value).expanduser())
    if isinstance(kind, tuple) and value in kind:
        return value
    if isinstance(kind, tuple):
        wanted = " or ".join(f'"{k}"' for k in kind)
    else:
        wanted = {bool: "true or false", int: "a positive whole number", Path: "a file name"}[kind]
    raise InputError(f"{path}: {name} must be {wanted}, not {value!r}")
