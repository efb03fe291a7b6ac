"""Direct quotations, their speakers (resolved to merged people) and the sources that carry them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from newsbrief.facts.entities import Resolved
from newsbrief.facts.model import Quote
from newsbrief.model import Document
from newsbrief.text import normal_form

_QUOTE_RE = re.compile(r"“(?P<a>[^“”\n]{2,800}?)”|\"(?P<b>[^\"\n]{2,800}?)\"")
_SPEECH = (
    r"said|says|told|tells|added|adds|argued|wrote|writes|asked|noted|explained|insisted|warned|"
    r"claimed|stated|announced|testified|tweeted|clarified|replied|continued|acknowledged|admitted|"
    r"declared|recalled|stressed|branded|called|described|slammed|referred to|according to"
)
_SPEECH_RE = re.compile(rf"\b(?:{_SPEECH})\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r";|[.!?][\"”’]?\s+[A-Z“\"]")
_INVERSION = frozenset(
    {"said", "says", "added", "adds", "asked", "wrote", "writes", "continued", "according to"}
)


@dataclass(frozen=True)
class _Found:
    text: str
    speaker: str | None
    source: int


def _speaker(
    doc: int,
    sent_start: int,
    sent_end: int,
    quote_spans: list[tuple[int, int]],
    text: str,
    resolved: Sequence[Resolved],
) -> str | None:
    """The person (or organisation) that a speech verb outside the quotes attributes them to."""

    def inside(pos: int) -> bool:
        return any(a <= pos < b for a, b in quote_spans)

    def in_parens(pos: int) -> bool:
        return text.rfind("(", sent_start, pos) > text.rfind(")", sent_start, pos)

    ents = [
        r
        for r in resolved
        if r.doc == doc
        and sent_start <= r.start < sent_end
        and not inside(r.start)
        and not in_parens(r.start)
    ]
    persons = [r for r in ents if r.kind == "person"]
    for v in _SPEECH_RE.finditer(text, sent_start, sent_end):
        if inside(v.start()):
            continue
        verb = v.group(0).lower()
        after = [r for r in persons if 0 <= r.start - v.end() <= 40 and verb in _INVERSION]
        if after and not _SENTENCE_END.search(text[v.end() : after[0].start]):
            return after[0].name
        before = [r for r in ents if r.end <= v.start() and not _SENTENCE_END.search(text[r.end : v.start()])]
        if not before:
            continue
        nearest = before[-1]
        gap = text[nearest.end : v.start()]
        if nearest.kind != "person" and len(gap.split()) <= 2 and "," not in gap:
            return nearest.name  # "the USTR's office said"
        people_before = [r for r in before if r.kind == "person"]
        if people_before:
            last = people_before[-1]
            if text[last.end : v.start()].strip(" ’'s"):
                return people_before[0].name  # "Paul Thompson, a lawyer representing the Bowman-Cryers, said"
            return last.name
    if re.search(
        r"^\W*(?:he|she)\s+(?:said|says|added|told)\b|\b(?:he|she)\s+(?:said|says|added)\W*$",
        _outside_words(text, sent_start, sent_end, quote_spans).strip(),
        re.IGNORECASE,
    ):
        return _previous_subject(doc, sent_start, text, resolved)
    return None


def _previous_subject(doc: int, sent_start: int, text: str, resolved: Sequence[Resolved]) -> str | None:
    """For "..., she said": the person who "said" something in the sentence just before."""
    prev_start = max(text.rfind(". ", 0, sent_start - 2), text.rfind("\n", 0, sent_start - 2)) + 1
    window = [
        r for r in resolved if r.doc == doc and r.kind == "person" and prev_start <= r.start < sent_start
    ]
    for r in window:
        possessive = re.match(r"['’]s\b", text[r.end : r.end + 2]) or re.search(
            r"['’]s$", text[r.start : r.end]
        )
        subject = not text[prev_start : r.start].strip(' "“”') and not possessive
        if subject or re.match(r"^\W{0,2}\s*(?:said|says|told|added)\b", text[r.end : r.end + 12]):
            return r.name
    return None


def _outside_words(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    pieces: list[str] = []
    pos = start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        pieces.append(text[pos:a])
        pos = b
    pieces.append(text[pos:end])
    return " ".join(pieces)


def find_quotes(docs: Sequence[Document], resolved: Sequence[Resolved]) -> tuple[Quote, ...]:
    """Quotations of every document, one `Quote` per distinct text with all sources that carry it."""
    found: list[_Found] = []
    for d, doc in enumerate(docs):
        text = doc.text
        matches = list(_QUOTE_RE.finditer(text))
        spans = [(m.start(), m.end()) for m in matches]
        prev: tuple[int, str | None] | None = None  # (end of previous quote's sentence, speaker)
        for m in matches:
            body = (m.group("a") or m.group("b") or "").strip().rstrip(",.;:").strip()
            sents = [s for s in doc.sentences if s.end > m.start() and s.start < m.end()]
            if not sents or len(body.split()) < 2:
                continue
            s_start, s_end = sents[0].start, max(s.end for s in sents)
            # A quote sentence that ends with the quote may be attributed right after ("... ," Kim said.)
            following = [s for s in doc.sentences if s.start >= s_end][:1]
            speaker = _speaker(d, s_start, s_end, spans, text, resolved)
            outside = _outside_words(text, s_start, s_end, spans).strip(' .,;:"“”')
            if speaker is None and not outside and following:
                nxt = following[0]
                if len(nxt.text.split()) <= 8:
                    speaker = _speaker(d, nxt.start, nxt.end, spans, text, resolved)
            if speaker is None and prev is not None and not _SPEECH_RE.search(outside):
                prev_end, prev_speaker = prev
                between = text[prev_end:s_start]
                if not between.strip() or (len(between) < 200 and "\n\n" not in between and not outside):
                    speaker = prev_speaker
            if len(body.split()) < 4 and speaker is None:
                continue
            found.append(_Found(body, speaker, d + 1))
            prev = (s_end, speaker)
    return _merge(found)


def _merge(found: list[_Found]) -> tuple[Quote, ...]:
    groups: list[list[_Found]] = []
    keys: list[str] = []
    for f in found:
        key = normal_form(f.text)
        for i, k in enumerate(keys):
            short, long_ = sorted((key, k), key=len)
            if key == k or (len(short.split()) >= 4 and short in long_) or fuzz.ratio(key, k) >= 90:
                groups[i].append(f)
                if len(key) > len(k):
                    keys[i] = key
                break
        else:
            groups.append([f])
            keys.append(key)
    out: list[Quote] = []
    for g in groups:
        text = max((f.text for f in g), key=len)
        speakers = [f.speaker for f in g if f.speaker]
        # The most frequent speaker; a tie goes to the first seen (a set's order changes with the hash seed).
        speaker = max(dict.fromkeys(speakers), key=speakers.count) if speakers else None
        out.append(Quote(text=text, speaker=speaker, sources=tuple(sorted({f.source for f in g}))))
    return tuple(out)
