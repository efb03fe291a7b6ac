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
_INVERSION = frozenset({"said", "says", "added", "adds", "asked", "wrote", "writes", "continued", "according to"})


@dataclass(frozen=True)
class _Found:
    text: str
    speaker: str | None
    source: int


def _speaker(
    doc: int, sent_start: int, sent_end: int, quote_spans: list[tuple[int, int]], text: str,
    resolved: Sequence[Resolved],
) -> str | None:
    """The person (or organisation) that a speech verb outside the quotes attributes them to."""

    def inside(pos: int) -> bool:
        return any(a <= pos < b for a, b in quote_spans)

    ents = [r for r in resolved if r.doc == doc and sent_start <= r.start < sent_end and not inside(r.start)]
    persons = [r for r in ents if r.kind == "person"]
    for v in _SPEECH_RE.finditer(text, sent_start, sent_end):
        if inside(v.start()):
            continue
        verb = v.group(0).lower()
        after = [r for r in persons if 0 <= r.start - v.end() <= 40 and verb in _INVERSION]
        if after and not re.search(r"[.;]", text[v.end() : after[0].start]):
            return after[0].name
        before = [r for r in ents if r.end <= v.start() and not re.search(r"[.;]", text[r.end : v.start()])]
        if before:
            subject = before[-1]
            gap = text[subject.end : v.start()]
            if subject.kind == "person" or len(gap.split()) <= 2:
                return subject.name if subject.kind == "person" or len(gap.split()) <= 1 else None
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
            body = (m.group("a") or m.group("b") or "").strip().rstrip(",").strip()
            sents = [s for s in doc.sentences if s.end > m.start() and s.start < m.end()]
            if not sents or len(body.split()) < 2:
                continue
            s_start, s_end = sents[0].start, max(s.end for s in sents)
            # A quote sentence that ends with the quote may be attributed right after ("... ," Kim said.)
            following = [s for s in doc.sentences if s.start >= s_end][:1]
            speaker = _speaker(d, s_start, s_end, spans, text, resolved)
            outside = _outside_words(text, s_start, s_end, spans).strip(" .,;:\"“”")
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
        speaker = max(set(speakers), key=speakers.count) if speakers else None
        out.append(Quote(text=text, speaker=speaker, sources=tuple(sorted({f.source for f in g}))))
    return tuple(out)
