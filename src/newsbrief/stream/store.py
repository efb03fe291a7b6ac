"""The article store: one SQLite file with articles, duplicate links, events, storylines and corrections.

Two levels of grouping: every article belongs to one *event* (table ``stories``: one happening,
reported within days) and every event to one *storyline* (table ``storylines``: the chain of events
a reader follows for months). The event table keeps its schema-1 name ``stories``.

The schema version is SQLite's ``user_version``; `MIGRATIONS` brings an older file up to date.
Writes happen in explicit transactions (WAL journal), so a killed process loses at most the batch
it had not yet committed.
What the CLI reads from and corrects in a store is in `newsbrief.stream.catalog`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import numpy as np

from newsbrief.errors import InputError
from newsbrief.stream.prepare import HASH_BITS, MINHASH_SEED, NUM_PERM, PreparedArticle
from newsbrief.stream.stories import Story, TermStats, centroid

SCHEMA_VERSION = 4
Level = Literal["stories", "storylines"]
"""The table of a grouping level: events (``stories``) or storylines."""
CACHE_KIB = 256 * 1024
"""SQLite page cache of an open store (KiB)."""
BUCKET_CANDIDATES = 32
"""Near-duplicate candidates per lookup (`Store.bucket_matches`), and articles read from each LSH bucket."""

_SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,            -- url:..., id:... or hash:...: what makes an input the same article
    content_hash TEXT NOT NULL,          -- sha1 of the normalised cleaned text
    url TEXT, ext_id TEXT, path TEXT, outlet TEXT, author TEXT, published TEXT,
    title TEXT NOT NULL, raw_title TEXT,
    raw_text BLOB NOT NULL,              -- zlib-compressed text as read
    text TEXT NOT NULL,                  -- cleaned text
    words INTEGER NOT NULL,
    date_earliest TEXT, date_latest TEXT, date_inferred INTEGER, date_evidence TEXT,
    day INTEGER,                         -- proleptic ordinal of date_earliest
    vector BLOB NOT NULL,                -- unit TF-IDF vector at ingest: int32 ids then float32 weights
    minhash BLOB NOT NULL,               -- uint32 MinHash values
    added_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX articles_content ON articles(content_hash);
CREATE TABLE duplicates (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    original_id INTEGER NOT NULL REFERENCES articles(id),
    similarity REAL NOT NULL,
    kind TEXT NOT NULL                   -- 'exact' or 'near'
);
CREATE INDEX duplicates_original ON duplicates(original_id);
CREATE TABLE lsh_buckets (
    bucket INTEGER NOT NULL, article_id INTEGER NOT NULL REFERENCES articles(id),
    PRIMARY KEY (bucket, article_id)
) WITHOUT ROWID;
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    first_day INTEGER, last_day INTEGER,
    size INTEGER NOT NULL DEFAULT 0,
    centroid BLOB NOT NULL,
    merged_into INTEGER REFERENCES stories(id),
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE memberships (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    story_id INTEGER NOT NULL REFERENCES stories(id),
    score REAL,
    pinned INTEGER NOT NULL DEFAULT 0    -- placed by a user correction
);
CREATE INDEX memberships_story ON memberships(story_id);
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                  -- 'merge' or 'split'
    story_id INTEGER NOT NULL, other_ids TEXT NOT NULL, article_ids TEXT NOT NULL, at TEXT NOT NULL
);
CREATE TABLE term_df (term INTEGER PRIMARY KEY, df INTEGER NOT NULL);
"""

_SCHEMA_V2 = """
CREATE TABLE storylines (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    first_day INTEGER, last_day INTEGER,
    size INTEGER NOT NULL DEFAULT 0,     -- articles, copies included
    centroid BLOB NOT NULL,              -- sum of the vectors of its articles that are not copies
    lang TEXT,
    merged_into INTEGER REFERENCES storylines(id),
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
ALTER TABLE stories ADD COLUMN storyline_id INTEGER REFERENCES storylines(id);
ALTER TABLE stories ADD COLUMN storyline_pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN lang TEXT;
ALTER TABLE stories ADD COLUMN titled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN lang TEXT;
ALTER TABLE articles ADD COLUMN headline INTEGER NOT NULL DEFAULT 0;
CREATE INDEX stories_storyline ON stories(storyline_id);
INSERT INTO storylines (id, title, first_day, last_day, size, centroid, created_at, updated_at)
    SELECT id, title, first_day, last_day, size, centroid, created_at, updated_at FROM stories
    WHERE merged_into IS NULL;
UPDATE stories SET storyline_id = id WHERE merged_into IS NULL;
"""
"""Schema 2: storylines over events; each schema-1 story becomes an event in a storyline of its own."""

_SCHEMA_V3 = """
CREATE INDEX articles_listing ON articles(id, day, outlet);
"""
"""Schema 3: the day and outlet of each article in an index of their own, so that listing storylines
(`newsbrief.stream.catalog`) reads them without walking each article row's text (``INDEXED BY``)."""

_SCHEMA_V4 = """
ALTER TABLE articles ADD COLUMN event_vector BLOB;
"""
"""Schema 4: the vector an article was matched with events by (its text's words with its headline's,
`newsbrief.stream.ingest`), NULL without a headline (then it is ``vector``), so that an event rebuilt
after a correction has the centroid that ingest gave it."""

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, _SCHEMA_V1),
    (2, _SCHEMA_V2),
    (3, _SCHEMA_V3),
    (4, _SCHEMA_V4),
)
"""(version, SQL script) in order; a store at version v gets every script above v."""


def default_db_path() -> Path:
    """The default store: ``newsbrief/store.sqlite`` in the user's data folder."""
    from platformdirs import user_data_path

    return user_data_path("newsbrief", appauthor=False) / "store.sqlite"


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def pack_vector(ids: np.ndarray, weights: np.ndarray) -> bytes:
    return ids.astype("<i4").tobytes() + weights.astype("<f4").tobytes()


def unpack_vector(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    n = len(blob) // 8
    ids = np.frombuffer(blob, dtype="<i4", count=n).astype(np.int64)
    weights = np.frombuffer(blob, dtype="<f4", count=n, offset=4 * n).astype(np.float32)
    return ids, weights


def day_text(day: int | None) -> str | None:
    return dt.date.fromordinal(day).isoformat() if day is not None else None


def open_existing(db: str | Path) -> Store:
    """An existing store; InputError (saying to ingest first) when there is none at ``db``."""
    if not Path(db).is_file():
        raise InputError(f"no store at {db}; run `newsbrief ingest` first")
    return Store(db)


@contextmanager
def writer_lock(path: str | Path, on_wait: Callable[[], None] | None = None) -> Iterator[float]:
    """Hold the store's writer lock (``flock`` on ``PATH.lock``) for a whole ingest; yields the seconds
    waited for it. One ingest at a time writes a store, so concurrent ingests give the store that one
    ingest of the same parts, in the order they took the lock, gives; readers are never blocked (WAL).
    The lock goes with the process, however it ends. Without ``fcntl`` (Windows) there is no lock."""
    if str(path) == ":memory:":
        yield 0.0
        return
    try:
        import fcntl
    except ImportError:
        yield 0.0
        return
    lock_path = Path(f"{path}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as lock:
        started = time.monotonic()
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield time.monotonic() - started
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


BUSY_SECONDS = 30
"""How long opening or writing the store waits for another process's write before it gives up."""


class Store:
    """An open store; use as a context manager. Writes go inside `transaction()`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # Switching a new file to WAL can fail at once with "database is locked" while another process
        # does the same (SQLite's busy timeout does not cover it), so opening is retried for a while.
        deadline = time.monotonic() + BUSY_SECONDS
        while True:
            try:
                self.conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_SECONDS)
            except sqlite3.DatabaseError as err:
                raise InputError(f"{path} is not a newsbrief store ({err})") from None
            try:
                self._setup()
                return
            except sqlite3.DatabaseError as err:
                self.conn.close()
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise InputError(f"{path} is not a newsbrief store ({err})") from None
            time.sleep(0.05)

    def _setup(self) -> None:
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        # The duplicate buckets grow by 32 rows an article; a page cache far above SQLite's 2 MB
        # default keeps their B-tree in memory, so an insert does not slow down as the store grows.
        self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.conn.execute("PRAGMA wal_autocheckpoint = 20000")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def _migrate(self) -> None:
        """Bring the schema up to date. The version is read again inside the write transaction, so two
        processes opening a new store at once do not both create it."""
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise InputError(f"{self.path} was written by a newer newsbrief (schema {version})")
        for target, script in MIGRATIONS:
            if target <= version:
                continue
            with self.transaction():
                version = self.conn.execute("PRAGMA user_version").fetchone()[0]
                if target <= version:
                    continue
                for statement in script.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                if target == 1:
                    settings = {"hash_bits": HASH_BITS, "num_perm": NUM_PERM, "minhash_seed": MINHASH_SEED}
                    self.conn.executemany(
                        "INSERT INTO meta VALUES (?, ?)", [(k, str(v)) for k, v in settings.items()]
                    )
                self.conn.execute(f"PRAGMA user_version = {target}")
        self._check_settings()

    def _check_settings(self) -> None:
        meta = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        expected = {"hash_bits": HASH_BITS, "num_perm": NUM_PERM, "minhash_seed": MINHASH_SEED}
        for key, value in expected.items():
            if key in meta and int(meta[key]) != value:
                raise InputError(f"{self.path} was built with {key}={meta[key]}; this newsbrief uses {value}")

    def data_version(self) -> int:
        """Changes when another connection commits to the store (SQLite's ``PRAGMA data_version``)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def commit(self) -> None:
        """Inside `transaction()`: commit what is done so far and go on in a new transaction."""
        self.conn.execute("COMMIT")
        self.conn.execute("BEGIN IMMEDIATE")

    # --- articles ------------------------------------------------------------------------------

    def lookup(self, key: str) -> tuple[int, str] | None:
        row = self.conn.execute("SELECT id, content_hash FROM articles WHERE key = ?", (key,)).fetchone()
        return (row[0], row[1]) if row else None

    def by_content(self, content_hash: str) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM articles WHERE content_hash = ? ORDER BY id LIMIT 1", (content_hash,)
        ).fetchone()
        return row[0] if row else None

    def _article_values(self, p: PreparedArticle, vector: bytes, event_vector: bytes | None) -> tuple[object, ...]:
        a, d = p.article, p.date
        return (
            p.key,
            p.content_hash,
            a.url,
            a.id,
            a.path,
            p.outlet,
            a.author,
            a.published,
            p.title,
            a.title,
            p.raw_compressed or zlib.compress(a.text.encode("utf-8")),
            p.text,
            p.words,
            d.earliest.isoformat() if d else None,
            d.latest.isoformat() if d else None,
            int(d.inferred) if d else None,
            d.evidence if d else None,
            p.day,
            vector,
            p.minhash.astype("<u4").tobytes(),
            p.lang or None,
            int(p.headline),
            event_vector,
        )

    def insert_article(self, p: PreparedArticle, vector: bytes, event_vector: bytes | None = None) -> int:
        """Store an article with the vector it is matched with storylines by and, when it differs, the one
        it is matched with events by."""
        stamp = now()
        cursor = self.conn.execute(
            "INSERT INTO articles (key, content_hash, url, ext_id, path, outlet, author, published, title,"
            " raw_title, raw_text, text, words, date_earliest, date_latest, date_inferred, date_evidence, day,"
            " vector, minhash, lang, headline, event_vector, added_at, updated_at)"
            " VALUES (" + ",".join("?" * 25) + ")",
            (*self._article_values(p, vector, event_vector), stamp, stamp),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update_article(
        self, article_id: int, p: PreparedArticle, vector: bytes, event_vector: bytes | None = None
    ) -> None:
        self.conn.execute(
            "UPDATE articles SET key=?, content_hash=?, url=?, ext_id=?, path=?, outlet=?, author=?,"
            " published=?, title=?, raw_title=?, raw_text=?, text=?, words=?, date_earliest=?, date_latest=?,"
            " date_inferred=?, date_evidence=?, day=?, vector=?, minhash=?, lang=?, headline=?, event_vector=?,"
            " updated_at=? WHERE id=?",
            (*self._article_values(p, vector, event_vector), now(), article_id),
        )
        self.conn.execute("DELETE FROM lsh_buckets WHERE article_id = ?", (article_id,))

    def latest_day(self) -> int | None:
        """The latest day of a stored article (None for an empty store)."""
        row = self.conn.execute("SELECT max(day) FROM articles").fetchone()
        return row[0] if row else None

    def vectors(self, article_ids: Sequence[int], level: Level = "storylines") -> list[tuple[np.ndarray, np.ndarray]]:
        """The vectors the articles are matched with events or storylines (``level``) by."""
        column = "coalesce(event_vector, vector)" if level == "stories" else "vector"
        out: list[tuple[np.ndarray, np.ndarray]] = []
        for chunk in _chunks(article_ids, 500):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT {column} FROM articles WHERE id IN ({marks})", chunk).fetchall()
            out.extend(unpack_vector(r[0]) for r in rows)
        return out

    # --- duplicates ----------------------------------------------------------------------------

    def add_buckets(self, article_id: int, buckets: Sequence[int]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO lsh_buckets VALUES (?, ?)", [(b, article_id) for b in buckets]
        )

    def bucket_matches(self, buckets: Sequence[int]) -> list[tuple[int, np.ndarray, int]]:
        """Articles sharing LSH buckets, with their MinHash values and word counts: of the `BUCKET_CANDIDATES` newest
        articles in each bucket, the `BUCKET_CANDIDATES` that share the most buckets (earliest first on ties).
        Sharing more bands means a closer copy; the caps keep the work per lookup constant when a text
        carried by hundreds of outlets fills its buckets (a copy of any of them leads to the original)."""
        newest = " UNION ALL ".join(
            [
                "SELECT * FROM (SELECT article_id FROM lsh_buckets WHERE bucket = ? ORDER BY article_id DESC LIMIT ?)"
            ]
            * len(buckets)
        )
        rows = self.conn.execute(
            f"SELECT a.id, a.minhash, a.words FROM (SELECT article_id, count(*) AS shared FROM ({newest})"
            " GROUP BY article_id ORDER BY shared DESC, article_id LIMIT ?) c JOIN articles a ON a.id = c.article_id",
            [*(v for b in buckets for v in (b, BUCKET_CANDIDATES)), BUCKET_CANDIDATES],
        ).fetchall()
        return [(r[0], np.frombuffer(r[1], dtype="<u4"), r[2]) for r in rows]

    def original_of(self, article_id: int) -> int:
        row = self.conn.execute(
            "SELECT original_id FROM duplicates WHERE article_id = ?", (article_id,)
        ).fetchone()
        return row[0] if row else article_id

    def link_duplicate(self, article_id: int, original_id: int, similarity: float, kind: str) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO duplicates VALUES (?, ?, ?, ?)",
            (article_id, original_id, similarity, kind),
        )

    def unlink_duplicate(self, article_id: int) -> None:
        self.conn.execute("DELETE FROM duplicates WHERE article_id = ?", (article_id,))

    # --- events and storylines -------------------------------------------------------------------
    # Both levels are rows with a title, days, a size and a centroid; ``level`` names the table.

    def new_event(
        self, title: str, day: int | None, storyline_id: int, lang: str | None, titled: bool
    ) -> int:
        stamp = now()
        cursor = self.conn.execute(
            "INSERT INTO stories (title, first_day, last_day, size, centroid, storyline_id, lang, titled,"
            " created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?)",
            (title, day, day, b"", storyline_id, lang, int(titled), stamp, stamp),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def new_storyline(self, title: str, day: int | None, lang: str | None) -> int:
        stamp = now()
        cursor = self.conn.execute(
            "INSERT INTO storylines (title, first_day, last_day, size, centroid, lang, created_at, updated_at)"
            " VALUES (?, ?, ?, 0, ?, ?, ?, ?)",
            (title, day, day, b"", lang, stamp, stamp),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def retitle_event(self, event_id: int, title: str) -> None:
        """Give an event a headline (from a member with a real one) in place of a weaker title."""
        self.conn.execute("UPDATE stories SET title = ?, titled = 1 WHERE id = ?", (title, event_id))

    def save_centroids(self, level: Level, groups: Iterable[Story]) -> None:
        """Write the centroids of events or storylines that changed."""
        stamp = now()
        self.conn.executemany(
            f"UPDATE {level} SET centroid = ?, updated_at = ? WHERE id = ?",
            [(pack_vector(g.ids, g.weights), stamp, g.id) for g in groups],
        )

    def grow(self, level: Level, group_id: int, days: Sequence[int | None]) -> None:
        """Count new articles (of these days) into an event's or storyline's size and days. Constant
        work, where `refresh` reads every member: a wire text carried by hundreds of outlets makes an
        event of hundreds, and each new copy would recount them all."""
        known = [d for d in days if d is not None]
        first, last = (min(known), max(known)) if known else (None, None)
        self.conn.execute(
            f"UPDATE {level} SET size = size + ?, first_day = coalesce(min(first_day, ?), first_day, ?),"
            " last_day = coalesce(max(last_day, ?), last_day, ?), updated_at = ? WHERE id = ?",
            (len(days), first, first, last, last, now(), group_id),
        )

    def _members_sql(self, level: Level) -> str:
        """SQL for the article ids of one event or storyline (parameter: its id)."""
        if level == "stories":
            return "SELECT article_id FROM memberships WHERE story_id = ?"
        return (
            "SELECT m.article_id FROM memberships m JOIN stories e ON e.id = m.story_id"
            " WHERE e.storyline_id = ? AND e.merged_into IS NULL"
        )

    def refresh(self, level: Level, group_id: int) -> None:
        """Recount an event's or storyline's size and days from its articles (after a correction)."""
        self.conn.execute(
            f"UPDATE {level} SET (size, first_day, last_day) = (SELECT count(*), min(a.day), max(a.day)"
            f" FROM articles a WHERE a.id IN ({self._members_sql(level)})) WHERE id = ?",
            (group_id, group_id),
        )

    def recompute(self, level: Level, group_id: int) -> None:
        """Rebuild an event's or storyline's centroid from its articles that are not copies and are in
        its language, and its size and days."""
        ids = [
            r[0]
            for r in self.conn.execute(
                f"SELECT m.article_id FROM ({self._members_sql(level)}) m JOIN articles a ON a.id = m.article_id"
                f" LEFT JOIN duplicates d ON d.article_id = m.article_id, (SELECT lang FROM {level} WHERE id = ?) g"
                " WHERE d.article_id IS NULL AND (a.lang IS NULL OR g.lang IS NULL OR a.lang = g.lang)",
                (group_id, group_id),
            )
        ]
        c_ids, c_weights = centroid(self.vectors(ids, level))
        self.conn.execute(
            f"UPDATE {level} SET centroid = ?, updated_at = ? WHERE id = ?",
            (pack_vector(c_ids, c_weights), now(), group_id),
        )
        self.refresh(level, group_id)

    def join_event(self, article_id: int, event_id: int, score: float | None, pinned: bool = False) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO memberships VALUES (?, ?, ?, ?)",
            (article_id, event_id, score, int(pinned)),
        )

    def event_of(self, article_id: int) -> int | None:
        row = self.conn.execute(
            "SELECT story_id FROM memberships WHERE article_id = ?", (article_id,)
        ).fetchone()
        return row[0] if row else None

    def storyline_of(self, event_id: int) -> int:
        row = self.conn.execute("SELECT storyline_id FROM stories WHERE id = ?", (event_id,)).fetchone()
        if row is None or row[0] is None:
            raise InputError(f"no event {event_id} in the store")
        return int(row[0])

    def live(self, level: Level, group_id: int) -> int:
        """The event or storyline that ``group_id`` now is (following merges); InputError if none."""
        noun = "event" if level == "stories" else "storyline"
        seen = set()
        while True:
            row = self.conn.execute(f"SELECT merged_into FROM {level} WHERE id = ?", (group_id,)).fetchone()
            if row is None:
                raise InputError(f"no {noun} {group_id} in the store")
            if row[0] is None or group_id in seen:
                return group_id
            seen.add(group_id)
            group_id = row[0]

    def load(self, level: Level, group_id: int | None = None) -> list[Story]:
        """The live events or storylines (or the one with ``group_id``) as the clusterer holds them."""
        extra = "storyline_id, titled" if level == "stories" else "NULL, 0"
        query = (
            f"SELECT id, centroid, first_day, last_day, size, lang, {extra} FROM {level}"
            " WHERE merged_into IS NULL AND size > 0"
        )
        rows = self.conn.execute(
            query + (" AND id = ?" if group_id is not None else ""), () if group_id is None else (group_id,)
        ).fetchall()
        return [
            Story(r[0], *unpack_vector(r[1]), r[2], r[3], r[4], lang=r[5], parent=r[6], titled=bool(r[7]))
            for r in rows
        ]

    # --- term statistics -----------------------------------------------------------------------

    def load_term_stats(self) -> TermStats:
        stats = TermStats()
        rows = self.conn.execute("SELECT term, df FROM term_df").fetchall()
        if rows:
            data = np.array(rows, dtype=np.int64)
            stats.df[data[:, 0]] = data[:, 1]
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'docs'").fetchone()
        stats.docs = int(row[0]) if row else 0
        return stats

    def save_term_stats(self, stats: TermStats, changed: np.ndarray) -> None:
        terms = np.unique(changed)
        self.conn.executemany(
            "INSERT OR REPLACE INTO term_df VALUES (?, ?)",
            zip(terms.tolist(), stats.df[terms].tolist(), strict=True),
        )
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('docs', ?)", (str(stats.docs),))


def _chunks(items: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
