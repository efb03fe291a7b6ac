"""The article store: one SQLite file with articles, duplicate links, stories and user corrections.

The schema version is SQLite's ``user_version``; `MIGRATIONS` brings an older file up to date.
Writes happen in explicit transactions (WAL journal), so a killed process loses at most the batch
it had not yet committed.
What the CLI reads from and corrects in a store is in `newsbrief.stream.catalog`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from newsbrief.errors import InputError
from newsbrief.stream.prepare import HASH_BITS, MINHASH_SEED, NUM_PERM, PreparedArticle
from newsbrief.stream.stories import Story, TermStats, centroid

SCHEMA_VERSION = 1
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

MIGRATIONS: tuple[tuple[int, str], ...] = ((1, _SCHEMA_V1),)
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


class Store:
    """An open store; use as a context manager. Writes go inside `transaction()`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            # The duplicate buckets grow by 32 rows an article; a page cache far above SQLite's 2 MB
            # default keeps their B-tree in memory, so an insert does not slow down as the store grows.
            self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self.conn.execute("PRAGMA wal_autocheckpoint = 20000")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as err:
            raise InputError(f"{path} is not a newsbrief store ({err})") from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise InputError(f"{self.path} was written by a newer newsbrief (schema {version})")
        for target, script in MIGRATIONS:
            if target <= version:
                continue
            with self.transaction():
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

    def _article_values(self, p: PreparedArticle, vector: bytes) -> tuple[object, ...]:
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
        )

    def insert_article(self, p: PreparedArticle, vector: bytes) -> int:
        stamp = now()
        cursor = self.conn.execute(
            "INSERT INTO articles (key, content_hash, url, ext_id, path, outlet, author, published, title,"
            " raw_title, raw_text, text, words, date_earliest, date_latest, date_inferred, date_evidence, day,"
            " vector, minhash, added_at, updated_at) VALUES (" + ",".join("?" * 22) + ")",
            (*self._article_values(p, vector), stamp, stamp),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update_article(self, article_id: int, p: PreparedArticle, vector: bytes) -> None:
        self.conn.execute(
            "UPDATE articles SET key=?, content_hash=?, url=?, ext_id=?, path=?, outlet=?, author=?,"
            " published=?, title=?, raw_title=?, raw_text=?, text=?, words=?, date_earliest=?, date_latest=?,"
            " date_inferred=?, date_evidence=?, day=?, vector=?, minhash=?, updated_at=? WHERE id=?",
            (*self._article_values(p, vector), now(), article_id),
        )
        self.conn.execute("DELETE FROM lsh_buckets WHERE article_id = ?", (article_id,))

    def vectors(self, article_ids: Sequence[int]) -> list[tuple[np.ndarray, np.ndarray]]:
        out: list[tuple[np.ndarray, np.ndarray]] = []
        for chunk in _chunks(article_ids, 500):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT vector FROM articles WHERE id IN ({marks})", chunk).fetchall()
            out.extend(unpack_vector(r[0]) for r in rows)
        return out

    # --- duplicates ----------------------------------------------------------------------------

    def add_buckets(self, article_id: int, buckets: Sequence[int]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO lsh_buckets VALUES (?, ?)", [(b, article_id) for b in buckets]
        )

    def bucket_matches(self, buckets: Sequence[int]) -> list[tuple[int, np.ndarray]]:
        """Articles sharing LSH buckets, with their MinHash values: of the `BUCKET_CANDIDATES` newest
        articles in each bucket, the `BUCKET_CANDIDATES` that share the most buckets (earliest first on ties).
        Sharing more bands means a closer copy; the caps keep the work per lookup constant when a text
        carried by hundreds of outlets fills its buckets (a copy of any of them leads to the original)."""
        newest = " UNION ALL ".join(
            ["SELECT * FROM (SELECT article_id FROM lsh_buckets WHERE bucket = ? ORDER BY article_id DESC LIMIT ?)"]
            * len(buckets)
        )
        rows = self.conn.execute(
            f"SELECT a.id, a.minhash FROM (SELECT article_id, count(*) AS shared FROM ({newest})"
            " GROUP BY article_id ORDER BY shared DESC, article_id LIMIT ?) c JOIN articles a ON a.id = c.article_id",
            [*(v for b in buckets for v in (b, BUCKET_CANDIDATES)), BUCKET_CANDIDATES],
        ).fetchall()
        return [(r[0], np.frombuffer(r[1], dtype="<u4")) for r in rows]

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

    # --- stories -------------------------------------------------------------------------------

    def new_story(self, title: str, day: int | None) -> int:
        stamp = now()
        cursor = self.conn.execute(
            "INSERT INTO stories (title, first_day, last_day, size, centroid, created_at, updated_at)"
            " VALUES (?, ?, ?, 0, ?, ?, ?)",
            (title, day, day, b"", stamp, stamp),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def save_stories(self, stories: Iterable[Story]) -> None:
        """Write the centroids of stories that changed."""
        stamp = now()
        self.conn.executemany(
            "UPDATE stories SET centroid = ?, updated_at = ? WHERE id = ?",
            [(pack_vector(story.ids, story.weights), stamp, story.id) for story in stories],
        )

    def grow_story(self, story_id: int, days: Sequence[int | None]) -> None:
        """Count new members (of these days) into a story's size and days. Constant work, where
        `refresh_story` reads every member: a wire text carried by hundreds of outlets makes a story of
        hundreds, and each new copy would recount them all."""
        known = [d for d in days if d is not None]
        first, last = (min(known), max(known)) if known else (None, None)
        self.conn.execute(
            "UPDATE stories SET size = size + ?, first_day = coalesce(min(first_day, ?), first_day, ?),"
            " last_day = coalesce(max(last_day, ?), last_day, ?), updated_at = ? WHERE id = ?",
            (len(days), first, first, last, last, now(), story_id),
        )

    def refresh_story(self, story_id: int) -> None:
        """Recount a story's size and days from its memberships (after a merge, split or update)."""
        self.conn.execute(
            "UPDATE stories SET (size, first_day, last_day) = (SELECT count(*), min(a.day), max(a.day)"
            " FROM memberships m JOIN articles a ON a.id = m.article_id WHERE m.story_id = ?) WHERE id = ?",
            (story_id, story_id),
        )

    def join_story(self, article_id: int, story_id: int, score: float | None, pinned: bool = False) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO memberships VALUES (?, ?, ?, ?)",
            (article_id, story_id, score, int(pinned)),
        )

    def story_of(self, article_id: int) -> int | None:
        row = self.conn.execute(
            "SELECT story_id FROM memberships WHERE article_id = ?", (article_id,)
        ).fetchone()
        return row[0] if row else None

    def live_story(self, story_id: int) -> int:
        """The story that ``story_id`` now is (following merges); InputError if there is none."""
        seen = set()
        while True:
            row = self.conn.execute("SELECT merged_into FROM stories WHERE id = ?", (story_id,)).fetchone()
            if row is None:
                raise InputError(f"no story {story_id} in the store")
            if row[0] is None or story_id in seen:
                return story_id
            seen.add(story_id)
            story_id = row[0]

    def load_stories(self, story_id: int | None = None) -> list[Story]:
        """The live stories (or the one with ``story_id``) as the clusterer holds them."""
        query = "SELECT id, centroid, first_day, last_day, size FROM stories WHERE merged_into IS NULL AND size > 0"
        rows = self.conn.execute(
            query + (" AND id = ?" if story_id is not None else ""), () if story_id is None else (story_id,)
        ).fetchall()
        return [Story(r[0], *unpack_vector(r[1]), r[2], r[3], r[4]) for r in rows]

    def recompute_story(self, story_id: int) -> None:
        """Rebuild a story's centroid from its own (non-duplicate) members, and its size and days."""
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT m.article_id FROM memberships m LEFT JOIN duplicates d ON d.article_id = m.article_id"
                " WHERE m.story_id = ? AND d.article_id IS NULL",
                (story_id,),
            )
        ]
        c_ids, c_weights = centroid(self.vectors(ids))
        self.conn.execute(
            "UPDATE stories SET centroid = ?, updated_at = ? WHERE id = ?",
            (pack_vector(c_ids, c_weights), now(), story_id),
        )
        self.refresh_story(story_id)

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
