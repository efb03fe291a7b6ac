"""The pure per-article step of ingesting: clean, date, vectorise and sketch a batch of articles.

`prepare_batch` does no I/O and keeps no state between calls; its input and output pickle, so it
can run in a worker process (as `newsbrief.stream.ingest` does) or on a distributed engine unchanged.
Sentences are not split here: they are needed only when a story is briefed, and syntok would cost
more than everything else together.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import numpy as np
from datasketch import MinHash

from newsbrief.briefing.clean import clean_text
from newsbrief.briefing.relevance import NOTICE_MAX_WORDS, PAGE_NOTICES
from newsbrief.language import language_of
from newsbrief.model import Article, DocDate
from newsbrief.text import _ALIASES, fold_words, stem, stopwords

HASH_BITS = 20
"""Terms are hashed into 2**HASH_BITS features: no global vocabulary is needed."""
NUM_PERM = 128
MINHASH_SEED = 7
BANDS = 32
"""LSH bands of a MinHash (of NUM_PERM // BANDS values each) that near-duplicate candidates share."""
SHINGLE = 4
"""Word n-grams that near-duplicate detection compares."""
MIN_WORDS = 25
"""A cleaned article shorter than this is a page fragment (video page, sign-up form), not news."""
ENTITY_BASE = 1 << HASH_BITS
"""Entity-like (capitalised) words and numbers get feature ids from ENTITY_BASE up, so stories can compare
them alone."""
FEATURES = 2 * ENTITY_BASE
DAY_RANGE_DAYS = 7
"""The widest date range that still gives an article a day to be grouped by."""

_NUMBER_RE = re.compile(r"(?<![\w.,])\d{1,3}(?:[.,]\d{3})+(?![\w.,]?\d)|(?<![\w.,])\d{2,}(?:[.,]\d+)?(?!\w)")
"""Numbers of two digits or more (thousands separators and decimals either way): with names, what an
article in another language shares with its story."""
_CAPITAL_RE = re.compile(r"(?<![.!?:\"“]\s)(?<!^)\b([A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?|[A-Z]{2,5})\b", re.M)


@dataclass(frozen=True, eq=False)
class PreparedArticle:
    """An article made ready for the store: cleaned text, date, hashed term vector, MinHash."""

    article: Article
    key: str
    content_hash: str
    title: str
    text: str
    words: int
    outlet: str | None
    date: DocDate | None
    term_ids: np.ndarray
    """Sorted feature ids (int64) of content words and, prefixed, entity-like capitalised words."""
    term_weights: np.ndarray
    """Sublinear term frequencies (float32), before IDF; the store supplies document frequencies."""
    minhash: np.ndarray
    """MinHash hash values (uint32) of word shingles of the normalised text."""
    buckets: tuple[int, ...] = ()
    """The LSH bucket of each band of the MinHash (`lsh_buckets`)."""
    raw_compressed: bytes = b""
    """The text as read, zlib-compressed, as the store keeps it."""
    problem: str | None = None
    """Why the article cannot be stored (too short, no text); None when it can."""
    lang: str = ""
    """ISO 639-1 code of the article's language ('' when unsure)."""
    headline: bool = False
    """Whether ``title`` is a real headline (metadata or a headline line), not a cut of the text."""
    headline_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Sorted feature ids (int64) of the words and names of a real headline (empty without one)."""
    headline_weights: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    """Their sublinear term frequencies (float32): what an article is matched with events by, besides
    its text (`newsbrief.stream.ingest`)."""

    @property
    def day(self) -> int | None:
        """The article's day as a proleptic ordinal (the earliest day of its date range); None when the
        range is wider than `DAY_RANGE_DAYS` (a year guessed from the text is no day to group by)."""
        if self.date is None or (self.date.latest - self.date.earliest).days > DAY_RANGE_DAYS:
            return None
        return self.date.earliest.toordinal()


def normalise_url(url: str | None) -> str | None:
    """A URL as an identity: scheme and host lower-cased, fragment and trailing slash dropped."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip())
    if not parts.netloc:
        return url.strip()
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def outlet_of(article: Article) -> str | None:
    """The outlet that published an article: its source name, else the host of its URL."""
    if article.source and article.source.strip():
        return article.source.strip()
    if article.url:
        host = urlsplit(article.url.strip()).netloc.lower()
        return host.removeprefix("www.") or None
    return None


def feature(term: str) -> int:
    """The hashed feature id of a term (stable across processes and runs)."""
    return zlib.crc32(term.encode("utf-8")) & ((1 << HASH_BITS) - 1)


def _shingle_hash(value: int) -> int:
    return value


@dataclass
class _Memo:
    """Per-batch memo of word -> (crc32, feature id of its stem or -1 for a stop word)."""

    words: dict[str, tuple[int, int]]
    template: MinHash | None = None

    def sketch(self) -> MinHash:
        """An empty MinHash; its permutations are made once per batch."""
        if self.template is None:
            self.template = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, hashfunc=_shingle_hash)
        return MinHash(
            num_perm=NUM_PERM,
            seed=MINHASH_SEED,
            hashfunc=_shingle_hash,
            permutations=self.template.permutations,
            scheme=self.template.scheme,
        )

    def codes(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(crc32 of each token, feature id of each distinct token or -1, index of each token's
        distinct token): every distinct word is looked up once."""
        memo = self.words
        position = {token: i for i, token in enumerate(dict.fromkeys(tokens))}
        stop = stopwords("en")
        crcs, features = [], []
        for token in position:
            code = memo.get(token)
            if code is None:
                skip = token in stop or token.isdigit() or len(token) < 2
                feature_id = -1 if skip else feature(stem(token))
                code = memo[token] = (zlib.crc32(token.encode("utf-8")), feature_id)
            crcs.append(code[0])
            features.append(code[1])
        index = np.fromiter(map(position.__getitem__, tokens), dtype=np.int64, count=len(tokens))
        return (
            np.array(crcs, dtype=np.uint64)[index],
            np.array(features, dtype=np.int64),
            index,
        )


def minhash_of(codes: np.ndarray, sketch: MinHash | None = None) -> np.ndarray:
    """MinHash values (datasketch, fixed seed) of the word shingles of a text, from its word codes."""
    codes = codes.astype(np.uint64)
    if len(codes) >= SHINGLE:
        mixed = np.zeros(len(codes) - SHINGLE + 1, dtype=np.uint64)
        for offset in range(SHINGLE):
            mixed = mixed * np.uint64(1_000_003) + codes[offset : len(codes) - SHINGLE + 1 + offset]
        codes = mixed & np.uint64(0xFFFFFFFF)
    sketch = sketch or MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, hashfunc=_shingle_hash)
    sketch.update_batch(codes.tolist())
    return np.asarray(sketch.hashvalues, dtype=np.uint32)


def lsh_buckets(minhash: np.ndarray) -> tuple[int, ...]:
    """The LSH bucket of each band of a MinHash, as signed 64-bit integers (band index mixed in)."""
    if len(minhash) != NUM_PERM:
        return ()
    values = np.ascontiguousarray(minhash, dtype="<u4").reshape(BANDS, NUM_PERM // BANDS)
    return tuple(
        int.from_bytes(
            hashlib.blake2b(bytes([band]) + values[band].tobytes(), digest_size=8).digest(),
            "little",
            signed=True,
        )
        for band in range(BANDS)
    )


def _date_of(article: Article, text: str) -> DocDate | None:
    """The date from metadata or the URL. Inferring one from the text (7 ms an article) is left to
    the brief, where a range of days matters; for grouping a stream, an undated article has no day."""
    from newsbrief.timeline.dates import document_date

    if not (article.published or article.url):
        return None
    return document_date(article, text)


def _vector(text: str, features: np.ndarray, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted feature ids and sublinear term frequencies of content words (``features`` of the
    distinct words, ``index`` of each token) and of the names (capitalised words) of ``text``."""
    per_word = np.bincount(index, minlength=len(features))
    keep = features >= 0
    ids, inverse = np.unique(features[keep], return_inverse=True)
    counts = np.zeros(len(ids), dtype=np.int64)
    np.add.at(counts, inverse, per_word[keep])
    stop = stopwords("en")
    names = Counter(_ALIASES.get(n, n) for n in map(str.lower, _CAPITAL_RE.findall(text)) if n not in stop)
    names.update("#" + re.sub(r"[.,]", "", n) for n in _NUMBER_RE.findall(text))
    if names:
        name_ids = np.fromiter((ENTITY_BASE + feature(n) for n in names), dtype=np.int64, count=len(names))
        name_counts = np.fromiter(names.values(), dtype=np.int64, count=len(names))
        all_ids, inverse = np.unique(np.concatenate([ids, name_ids]), return_inverse=True)
        summed = np.zeros(len(all_ids), dtype=np.int64)
        np.add.at(summed, inverse, np.concatenate([counts, name_counts]))
        ids, counts = all_ids, summed
    return ids.astype(np.int64), (1.0 + np.log(counts)).astype(np.float32)


def site_notice(text: str, n_words: int) -> str | None:
    """The kind of site notice (crawl notice, sign-up page...) a page is, by the brief's own patterns
    (`newsbrief.relevance.PAGE_NOTICES`) applied to paragraphs; None for an article. Only short pages
    are checked (the patterns cost a millisecond on a long article, and a long page is an article)."""
    if n_words > NOTICE_MAX_WORDS:
        return None
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    for name, pattern in PAGE_NOTICES:
        if not pattern.search(text):
            continue
        hits = sum(1 for p in paragraphs if pattern.search(p))
        if hits and (n_words <= NOTICE_MAX_WORDS or hits / len(paragraphs) >= 0.3):
            return name
    return None


def _lead_headline(text: str) -> str:
    """The first paragraph of a cleaned text when it reads as a headline (short, no closing full stop):
    an article without a title often still starts with its headline."""
    first = text.split("\n\n", 1)[0].strip()
    return first if 3 <= len(first.split()) <= 20 and not first.endswith(".") else ""


def article_key(article: Article, content_hash: str) -> str:
    """What makes two inputs the same article: the URL, else the caller's id, else the content."""
    url = normalise_url(article.url)
    if url:
        return "url:" + url
    if article.id:
        return "id:" + article.id
    return "hash:" + content_hash


def prepare_article(article: Article, memo: _Memo | None = None) -> PreparedArticle:
    """Prepare one article (pure); a ``memo`` (word codes, MinHash permutations) may serve a batch."""
    memo = memo or _Memo({})
    text, title, _ = clean_text(article)
    nfkc, tokens = fold_words(text)
    content_hash = hashlib.sha1(" ".join(tokens).encode("utf-8")).hexdigest()
    problem = None
    if not tokens:
        problem = "no article text left after cleaning"
    elif len(tokens) < MIN_WORDS:
        problem = f"too short to be a news article ({len(tokens)} words after cleaning)"
    elif notice := site_notice(text, len(tokens)):
        problem = f"not an article: {notice}"
    if problem is not None:
        empty = np.zeros(0, dtype=np.int64)
        return PreparedArticle(
            article,
            article_key(article, content_hash),
            content_hash,
            title,
            text,
            len(tokens),
            outlet_of(article),
            None,
            empty,
            np.zeros(0, dtype=np.float32),
            np.zeros(0, dtype=np.uint32),
            problem=problem,
        )
    crcs, features, index = memo.codes(tokens)
    headline = bool(title)
    if not title:
        title = _lead_headline(text)
        headline = bool(title)
    ids, weights = _vector(nfkc, features, index)
    head_ids, head_weights = _headline_vector(title, memo) if headline else (ids[:0], weights[:0])
    minhash = minhash_of(crcs, memo.sketch())
    return PreparedArticle(
        article=article,
        key=article_key(article, content_hash),
        content_hash=content_hash,
        title=title or (article.title or ""),
        text=text,
        words=len(tokens),
        outlet=outlet_of(article),
        date=_date_of(article, text),
        term_ids=ids,
        term_weights=weights,
        minhash=minhash,
        buckets=lsh_buckets(minhash),
        raw_compressed=zlib.compress(article.text.encode("utf-8")),
        lang=language_of(text) or "",
        headline=headline,
        headline_ids=head_ids,
        headline_weights=head_weights,
    )


def _headline_vector(title: str, memo: _Memo) -> tuple[np.ndarray, np.ndarray]:
    """Feature ids and sublinear term frequencies of a headline, as `_vector` makes them of a text."""
    nfkc, tokens = fold_words(title)
    if not tokens:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    _, features, index = memo.codes(tokens)
    return _vector(nfkc, features, index)


def prepare_batch(articles: Sequence[Article]) -> list[PreparedArticle]:
    """Prepare a batch of articles: a pure function, picklable in and out, one result per input."""
    memo = _Memo({})
    return [prepare_article(article, memo) for article in articles]
