"""The `newsbrief` command: each subcommand is a thin wrapper over a library call."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from newsbrief import __version__
from newsbrief.config import ENV_VAR, config_path, load_config
from newsbrief.errors import InputError, NewsbriefError
from newsbrief.inputs.limits import Limits
from newsbrief.text import printable

if TYPE_CHECKING:
    from newsbrief.batch.engine import EngineOptions

EXIT_USAGE = 2
EXIT_REJECTED = 3
"""The command did its work, but some inputs were rejected (each named in a warning)."""
MAX_ID = 2**63 - 1


class Terminated(Exception):
    """SIGTERM: stop as Ctrl-C would (transactions rolled back, workers stopped)."""


def _store_id(text: str) -> int:
    value = _positive(text)
    if value > MAX_ID:
        raise argparse.ArgumentTypeError(f"no such id: {text} (ids go up to {MAX_ID})")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, not {value}")
    return value


def _warn(messages: Sequence[str]) -> None:
    for message in messages:
        print(f"warning: {printable(message)}", file=sys.stderr)


def _account(warnings: Sequence[str], *, quiet: bool = False) -> int:
    """Print how many inputs were skipped and rejected (unless ``quiet``); the exit code: 3 when an input
    could not be read (a content judgement, such as "not an article", is not a rejection of the input)."""
    from newsbrief.inputs.readers import REJECTED, SKIPPED

    skipped = sum(1 for w in warnings if w.startswith(SKIPPED))
    rejected = sum(1 for w in warnings if w.startswith(REJECTED))
    if (skipped or rejected) and not quiet:
        print(f"skipped {skipped} inputs, rejected {rejected} (see the warnings)", file=sys.stderr)
    return EXIT_REJECTED if rejected else 0


def _write(text: str, output: Path | None) -> None:
    if output is None:
        if sys.stdout is None:
            raise InputError("standard output is closed; give -o FILE")
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        output.write_text(text, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)


def cmd_brief(args: argparse.Namespace) -> int:
    from newsbrief.briefing.pipeline import BriefOptions, brief
    from newsbrief.briefing.render import RENDERERS

    options = BriefOptions(
        words=None if args.sentences else args.words,
        sentences=args.sentences,
        facts=args.facts,
        ner=args.ner,
        timeline=args.timeline,
        order=args.order,
        cluster=args.cluster,
        limits=args.limits,
    )
    if args.storyline is not None:
        from newsbrief.stream.briefs import brief_storyline, storyline_json, storyline_markdown

        if args.format == "html":
            raise InputError("--storyline gives md or json (--format html briefs one event: --story ID)")
        line_brief = brief_storyline(_db(args), args.storyline, options)
        for _, event_brief in line_brief.events:
            _warn(event_brief.warnings)
        _write((storyline_json if args.format == "json" else storyline_markdown)(line_brief), args.output)
        return 0
    if args.story is not None:
        from newsbrief.stream.briefs import brief_event

        result = brief_event(_db(args), args.story, options).brief
    elif not args.paths:
        raise InputError("give one or more files or folders to brief (or --story ID)")
    else:
        result = brief(args.paths, options)
    _warn(result.warnings)
    _write(RENDERERS[args.format](result), args.output)
    return _account(result.warnings)


def cmd_timeline(args: argparse.Namespace) -> int:
    from newsbrief.briefing.pipeline import BriefOptions, timeline_of
    from newsbrief.timeline.events import timeline_markdown

    result, warnings = timeline_of(args.paths, BriefOptions(cluster=args.cluster, limits=args.limits))
    _warn(warnings)
    _write(timeline_markdown(result), None)
    return _account(warnings)


def cmd_eval(args: argparse.Namespace) -> int:
    if args.stories:
        import dataclasses

        from newsbrief.stream.evaluate import LabelFields, evaluate_stream

        fields = LabelFields(args.id_field, args.event_field, args.storyline_field, args.copy_field)
        scores = evaluate_stream(args.data, fields)
        if not scores.levels and scores.copies is None:
            raise InputError(
                f"{args.data} has no '{fields.event}', '{fields.storyline}' or '{fields.copy_of}' labels"
                " (name them with --event-field, --storyline-field, --copy-field)"
            )
        if args.json:
            print(json.dumps(dataclasses.asdict(scores), indent=1))
        else:
            rejected = f"; {scores.rejected} rejected (not scored)" if scores.rejected else ""
            print(f"{scores.articles} stored articles of {args.data}{rejected}\n")
            sys.stdout.write(scores.table())
        return 0
    from newsbrief.briefing.evaluate import run_eval

    return run_eval(args.data, words=args.words, limit=args.limit, seed=args.seed, as_json=args.json)


def _db(args: argparse.Namespace) -> Path:
    from newsbrief.stream.store import default_db_path

    return Path(args.db) if args.db else default_db_path()


def cmd_ingest(args: argparse.Namespace) -> int:
    from newsbrief.stream.ingest import ingest, ingest_prepared

    if args.prepared is not None:
        if args.paths:
            raise InputError("give either paths or --prepared DIR, not both")
        report = ingest_prepared(args.prepared, _db(args), progress=not args.quiet)
    elif not args.paths:
        raise InputError("give one or more files or folders to ingest (or --prepared DIR)")
    else:
        report = ingest(args.paths, _db(args), progress=not args.quiet, limits=args.limits)
    _write("".join(printable(line) + "\n" for line in report.summary().splitlines()), None)
    return _account(report.warnings, quiet=True)


def _engine(args: argparse.Namespace) -> EngineOptions:
    from newsbrief.batch.engine import EngineOptions

    return EngineOptions(workers=args.workers, scheduler=args.scheduler, progress=not args.quiet)


def cmd_batch_brief(args: argparse.Namespace) -> int:
    import json

    from newsbrief.batch.brief import batch_brief, dataset_clusters, store_clusters
    from newsbrief.briefing.pipeline import BriefOptions

    if (args.data is None) == (args.db is None):
        raise InputError("give a data set to brief, or --db FILE to brief every story of a store")
    warnings: list[str] = []
    clusters = dataset_clusters(args.data, warnings) if args.data is not None else store_clusters(args.db)
    _warn(warnings)
    options = BriefOptions(
        words=None if args.sentences else args.words,
        sentences=args.sentences,
        facts=args.facts,
        timeline=args.timeline,
    )
    summary = batch_brief(clusters, args.out, _engine(args), options, evaluate=args.eval)
    print(json.dumps(summary, indent=2))
    return 0


def cmd_batch_prepare(args: argparse.Namespace) -> int:
    from newsbrief.batch.prepare import batch_prepare

    report = batch_prepare(args.paths, args.out, _engine(args))
    print(
        f"prepared {report.rows} articles into {report.written} partitions in {report.seconds:.1f} s"
        f" ({report.skipped} partitions already written); store them with: newsbrief ingest --prepared {args.out}"
    )
    return 0


def cmd_batch_dedup(args: argparse.Namespace) -> int:
    from newsbrief.batch.dedup import batch_dedup

    report = batch_dedup(args.folder, _engine(args), args.out)
    print(report.summary())
    return 0


def cmd_stories(args: argparse.Namespace) -> int:
    from newsbrief.stream import catalog

    db = _db(args)
    if args.merge:
        print(catalog.merge_events(db, args.merge))
    elif args.merge_storylines:
        print(catalog.merge_storylines(db, args.merge_storylines))
    elif args.split is not None:
        if not args.articles:
            raise InputError("--split needs --articles ID... (the articles that move to a new event)")
        print(catalog.split_event(db, args.split, args.articles))
    elif args.split_storyline is not None:
        if not args.events:
            raise InputError(
                "--split-storyline needs --events ID... (the events that move to a new storyline)"
            )
        print(catalog.split_storyline(db, args.split_storyline, args.events))
    elif args.move is not None:
        if args.to is None:
            raise InputError("--move needs --to STORYLINE (the storyline the event moves into)")
        print(catalog.move_event(db, args.move, args.to))
    elif args.format == "json":
        print(json.dumps(catalog.stories_json(db), ensure_ascii=False, indent=1))
    else:
        lines = catalog.list_storylines(
            db, query=args.query, since=args.since, until=args.until, limit=args.limit
        )
        sys.stdout.write(catalog.format_storylines(lines))
    return 0


def _batch_usage(args: argparse.Namespace) -> int:
    raise InputError("choose a batch job: newsbrief batch brief|prepare|dedup ... (see newsbrief batch --help)")


def cmd_serve(args: argparse.Namespace) -> int:
    from newsbrief.web import serve

    serve(_db(args), host=args.host, port=args.port, prebrief=args.prebrief)
    return 0


def build_parser(settings: Mapping[str, Mapping[str, object]] | None = None) -> argparse.ArgumentParser:
    """The command line; ``settings`` (from the config file, `newsbrief.config`) replace the defaults."""
    parser = argparse.ArgumentParser(
        prog="newsbrief",
        description="Turn many news articles about one story into a brief you can trust.",
    )
    parser.add_argument("--version", action="version", version=f"newsbrief {__version__}")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help=f"settings file (TOML; default: ${ENV_VAR} or the user's config.toml)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands: dict[str, argparse.ArgumentParser] = {}

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(func=func)
        commands[name] = command
        return command

    b = add("brief", cmd_brief, "Brief a cluster of articles: cited sentences, facts, timeline, sources.")
    b.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders (.txt, .html, .jsonl, .json), or - for JSON lines on stdin",
    )
    budget = b.add_mutually_exclusive_group()
    budget.add_argument("--words", type=_positive, default=150, help="word budget (default %(default)s)")
    budget.add_argument("--sentences", type=_positive, help="number of sentences instead of a word budget")
    b.add_argument(
        "--format", choices=("md", "json", "html"), default="md", help="output format (default %(default)s)"
    )
    b.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    b.add_argument(
        "--facts",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="Who, Figures and Quotes (--no-facts leaves them out)",
    )
    b.add_argument(
        "--ner",
        choices=("rules", "spacy"),
        default="rules",
        help="named-entity back-end for Who and Quotes (spacy needs: pip install 'newsbrief[ner]')",
    )
    b.add_argument(
        "--timeline",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the Timeline (--no-timeline leaves it out)",
    )
    b.add_argument(
        "--order",
        choices=("oldest", "newest"),
        default="oldest",
        help="order of events when a cluster reports several (default %(default)s first)",
    )
    b.add_argument("--cluster", help="the cluster to brief in a dataset file holding several (by its id)")
    b.add_argument("--story", type=_store_id, metavar="EVENT", help="brief an event of the store instead of paths")
    b.add_argument(
        "--storyline",
        type=_store_id,
        metavar="STORYLINE",
        help="brief each event of a storyline of the store, in time order (--words is each event's budget)",
    )
    b.add_argument("--db", help="the store (SQLite file) for --story and --storyline")

    t = add("timeline", cmd_timeline, "Print what happened when, from a cluster of articles.")
    t.add_argument("paths", nargs="+", metavar="PATH", help="files or folders, or - for stdin")
    t.add_argument("--cluster", help="the cluster to use in a dataset file holding several")

    e = add(
        "eval",
        cmd_eval,
        "ROUGE of newsbrief's briefs against reference summaries, or (--stories) how a labelled stream is grouped.",
    )
    e.add_argument(
        "data",
        type=Path,
        help="Multi-News or WCEP JSON lines, a DUC-style folder, or a labelled stream (--stories)",
    )
    e.add_argument(
        "--stories",
        action="store_true",
        help="ingest a labelled JSON-lines stream into a fresh store and print B-cubed of its events and"
        " storylines and precision/recall of its syndicated-copy pairs",
    )
    e.add_argument(
        "--id-field", default="id", help="--stories: the field with each article's id (default %(default)s)"
    )
    e.add_argument("--event-field", default="event", help="--stories: the event label (default %(default)s)")
    e.add_argument(
        "--storyline-field", default="storyline", help="--stories: the storyline label (default %(default)s)"
    )
    e.add_argument(
        "--copy-field",
        default="copy_of",
        help="--stories: the id of the article a record copies (default %(default)s)",
    )
    e.add_argument("--words", type=_positive, default=230, help="word budget (default %(default)s)")
    e.add_argument("--limit", type=_positive, help="evaluate this many clusters")
    e.add_argument("--seed", type=int, default=0, help="seed for choosing clusters with --limit")
    e.add_argument("--json", action="store_true", help="print JSON instead of a table")

    i = add(
        "ingest", cmd_ingest, "Add articles to the store, drop syndicated copies, group them into stories."
    )
    i.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (.txt, .html, .jsonl, .warc)")
    i.add_argument("--db", help="the store (SQLite file); default in the user's data folder")
    i.add_argument(
        "--prepared", type=Path, metavar="DIR", help="store the articles `newsbrief batch prepare` wrote to DIR"
    )
    i.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    batch = add("batch", _batch_usage, "Run brief, prepare or dedup over a large input on a Dask cluster.")
    batch_sub = batch.add_subparsers(dest="batch_command", metavar="JOB")

    def job(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        command = batch_sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(func=func)
        command.add_argument(
            "--workers", type=_positive, default=2, help="worker processes of the local Dask cluster (default 2)"
        )
        command.add_argument("--scheduler", metavar="ADDRESS", help="run on this Dask scheduler instead")
        command.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
        return command

    bb = job("brief", cmd_batch_brief, "Brief every cluster of a data set (or story of a store) into Parquet.")
    bb.add_argument("data", nargs="?", type=Path, help="Multi-News or WCEP JSON lines, or a DUC-style folder")
    bb.add_argument("--db", help="brief every story of this store instead")
    bb.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the Parquet partitions")
    bb.add_argument("--eval", action="store_true", help="add ROUGE against the references (needs the eval extra)")
    bb_budget = bb.add_mutually_exclusive_group()
    bb_budget.add_argument("--words", type=_positive, default=150, help="word budget (default %(default)s)")
    bb_budget.add_argument("--sentences", type=_positive, help="number of sentences instead of a word budget")
    bb.add_argument("--facts", action=argparse.BooleanOptionalAction, default=True, help="Who, Figures, Quotes")
    bb.add_argument("--timeline", action=argparse.BooleanOptionalAction, default=True, help="the Timeline")

    bp = job("prepare", cmd_batch_prepare, "Clean, date, vectorise and sketch every article into Parquet.")
    bp.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (.txt, .html, .jsonl, .warc)")
    bp.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the Parquet partitions")

    bd = job("dedup", cmd_batch_dedup, "Find syndicated copies across a prepared folder (LSH join).")
    bd.add_argument("folder", type=Path, metavar="DIR", help="a folder written by newsbrief batch prepare")
    bd.add_argument("--out", type=Path, help="where to write the copy links (default DIR/copies.parquet)")

    s = add(
        "stories",
        cmd_stories,
        "List the storylines of the store with their events (S and E ids), or correct them.",
    )
    s.add_argument("--db", help="the store (SQLite file); default in the user's data folder")
    s.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="json: every storyline, event and article (schema in docs/schema.md)",
    )
    s.add_argument("--query", help="only storylines whose titles hold all these words")
    s.add_argument("--since", metavar="DATE", help="only storylines active on or after this ISO date")
    s.add_argument("--until", metavar="DATE", help="only storylines active on or before this ISO date")
    s.add_argument("--limit", type=_positive, help="at most this many storylines")
    s.add_argument("--merge", type=_store_id, nargs="+", metavar="EVENT", help="merge these events into the first")
    s.add_argument(
        "--split", type=_store_id, metavar="EVENT", help="move --articles out of this event into a new one"
    )
    s.add_argument("--articles", type=_store_id, nargs="+", metavar="ARTICLE", help="article ids for --split")
    s.add_argument(
        "--merge-storylines",
        type=_store_id,
        nargs="+",
        metavar="STORYLINE",
        help="merge these storylines into the first",
    )
    s.add_argument(
        "--split-storyline",
        type=_store_id,
        metavar="STORYLINE",
        help="move --events out of this storyline into a new one",
    )
    s.add_argument("--events", type=_store_id, nargs="+", metavar="EVENT", help="event ids for --split-storyline")
    s.add_argument("--move", type=_store_id, metavar="EVENT", help="move this event into the storyline --to")
    s.add_argument("--to", type=_store_id, metavar="STORYLINE", help="the storyline for --move")

    w = add("serve", cmd_serve, "Run the web app over the store on this machine (needs the 'web' extra).")
    w.add_argument("--db", help="the store (SQLite file); default in the user's data folder")
    w.add_argument("--port", type=int, default=8765, help="port (default %(default)s; 0 picks a free one)")
    w.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default %(default)s); any other asks every browser for a printed token",
    )
    w.add_argument(
        "--no-prebrief",
        dest="prebrief",
        action="store_false",
        help="make each brief only when a page asks for it (default: the most active events are briefed in"
        " the background whenever the store changes)",
    )
    settings = dict(settings or {})
    limits = Limits(**settings.pop("limits", {}))  # type: ignore[arg-type]
    for command in commands.values():
        command.set_defaults(limits=limits)
    for name, values in settings.items():
        commands[name].set_defaults(**values)
    return parser


def _settings(argv: Sequence[str] | None) -> dict[str, dict[str, object]]:
    """The config file's settings: the one given with --config (before the command), or the default."""
    pre = argparse.ArgumentParser(prog="newsbrief", add_help=False)
    pre.add_argument("--config")
    known, _ = pre.parse_known_args(argv)
    return load_config(config_path(known.config))


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _streams() -> None:
    """A closed standard error swallows messages instead of sending them to standard output."""
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (kept for the process)


def main(argv: Sequence[str] | None = None) -> int:
    _streams()
    signal.signal(signal.SIGTERM, _terminate)
    try:
        parser = build_parser(_settings(argv))
    except InputError as err:
        print(f"Error: {err}", file=sys.stderr)
        return EXIT_USAGE
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except InputError as err:
        print(f"Error: {printable(str(err))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # Nothing more can reach the reader; keep Python from complaining when it flushes at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except sqlite3.Error as err:
        store = getattr(args, "db", None) or "the store"
        print(f"Error: {printable(str(store))} is damaged or not a newsbrief store ({err})", file=sys.stderr)
        return 1
    except (NewsbriefError, OSError) as err:
        print(f"Error: {printable(str(err))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("Terminated", file=sys.stderr)
        return 128 + signal.SIGTERM


if __name__ == "__main__":
    sys.exit(main())
