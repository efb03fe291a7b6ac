"""Word-level views of text: tokens for similarity, and a normal form for near-copy checks."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources

import snowballstemmer

WORD_RE = re.compile(r"[^\W_]+(?:[.'’-][^\W_]+)*", re.UNICODE)

# Spellings of the same country or body that outlets use interchangeably.
_ALIASES = {
    "u.s.": "us",
    "u.s": "us",
    "usa": "us",
    "u.s.a.": "us",
    "america": "us",
    "united states": "us",
    "united states of america": "us",
    "u.k.": "uk",
    "united kingdom": "uk",
    "britain": "uk",
    "great britain": "uk",
    "s. korea": "south korea",
    "n. korea": "north korea",
    "republic of korea": "south korea",
    "e.u.": "eu",
    "european union": "eu",
    "u.n.": "un",
    "united nations": "un",
}
_ALIAS_PATTERN = (
    r"(?<![\w.])(" + "|".join(re.escape(a) for a in sorted(_ALIASES, key=len, reverse=True)) + r")(?![\w])"
)
_ALIAS_RE = re.compile(_ALIAS_PATTERN, re.IGNORECASE)
_ALIAS_LOWER_RE = re.compile(_ALIAS_PATTERN)
"""On lower-cased text: the case-insensitive pattern is several times slower."""
_QUOTE_PAIRS = (("‘", "'"), ("’", "'"), ("“", '"'), ("”", '"'), ("—", "-"), ("–", "-"))


def fold_quotes(text: str) -> str:
    """Curly quotes and dashes as plain ones (str.replace: far faster than str.translate here)."""
    for quote, plain in _QUOTE_PAIRS:
        if quote in text:
            text = text.replace(quote, plain)
    return text


def fold_words(text: str) -> tuple[str, list[str]]:
    """(NFKC text, its word tokens with interchangeable spellings folded): what near-copy checks compare."""
    nfkc = unicodedata.normalize("NFKC", text)
    low = _ALIAS_LOWER_RE.sub(lambda m: _ALIASES[m.group(1)], fold_quotes(nfkc).lower())
    return nfkc, WORD_RE.findall(low)


@cache
def stopwords(language: str = "en") -> frozenset[str]:
    """The packaged stop-word list for ``language`` (empty if there is none)."""
    path = resources.files("newsbrief") / "data" / "stopwords" / f"{language}.txt"
    if not path.is_file():
        return frozenset()
    return frozenset(path.read_text(encoding="utf-8").split())


_SNOWBALL_NAMES = {"en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian"}


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(_SNOWBALL_NAMES.get(language, "english"))


@lru_cache(maxsize=200_000)
def stem(word: str, language: str = "en") -> str:
    """The Snowball stem of one word (memoised: news reuses a small vocabulary)."""
    return str(_stemmer(language).stemWord(word))


def word_list(text: str) -> list[str]:
    """The words of a space-separated vocabulary written as one string (readable long word lists)."""
    return text.split()


def words(text: str) -> list[str]:
    """Lower-cased word tokens, with apostrophes and hyphens kept inside words."""
    return WORD_RE.findall(fold_quotes(text).lower())


def content_terms(text: str, language: str = "en") -> list[str]:
    """Stemmed content words: what similarity and scoring compare."""
    stop = stopwords(language)
    return [stem(w, language) for w in words(canonical_aliases(text)) if w not in stop and not w.isdigit()]


def canonical_aliases(text: str) -> str:
    """Replace interchangeable spellings ("U.S.", "USA", "United States") by one form."""
    return _ALIAS_RE.sub(lambda m: _ALIASES[m.group(1).lower()], text)


def normal_form(text: str) -> str:
    """Text as a near-copy check sees it: case, quotes, aliases and spacing folded."""
    return " ".join(fold_words(text)[1])


_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` on one line, safe for a terminal or Markdown: control characters, terminal escapes and
    line breaks shown as escapes (``\\n``, ``\\x1b``) instead of acting."""
    return _CONTROL_RE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
