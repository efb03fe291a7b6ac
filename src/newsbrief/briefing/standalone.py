"""Sentences that stand alone: find a subject that needs context, and repair it the way editors do.

A brief sentence whose subject is a pronoun ("He said...", "It was the strongest storm..."), a bare
definite reference ("The probe found..."), a connective ("Therefore, ..."), or a quote without a
speaker (or the end of one opened before) leaves the reader asking "who? which?". Such a sentence is
fine right after the sentence it follows in its source; otherwise a personal pronoun is repaired with
the name of the nearest person mentioned before it in the same source, in square brackets ("[Robert
Lighthizer] said..."), and the other kinds are not chosen unless the brief already says what they
refer to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from newsbrief.facts.ner import Mention, rule_mentions
from newsbrief.model import Document, Repair, Sentence

Need = Literal["none", "person", "previous", "definite"]
"""What a sentence needs: nothing; a person's name (repairable); its source's previous sentence;
or an earlier brief sentence naming the thing it calls "the <noun>"."""

_OPEN = r"^[\"'“‘(\[]?"
_PERSON_SUBJECT = re.compile(_OPEN + r"(?P<pron>He|She|His|Her)\b(?!['’])")
_OTHER_PRONOUN = re.compile(
    _OPEN + r"(?:It|They|Them|Their|Its|This|These|Those|That|Such|Both|Neither|Either)\b(?!['’]s\b)", re.IGNORECASE
)
_IT_EXPLETIVE = re.compile(
    r"^It(?:\s+(?:is|was|'s|’s|has been|had been|will be|would be|remains|remained|seems|seemed|appears|appeared))"
    r"\s+(?:\w+\s+){0,3}?(?:that|to|whether|how|why|when|if|unclear|clear|likely|unlikely|time)\b"
)
_CONNECTIVE = re.compile(
    _OPEN + r"(?:But|And|So|However|Therefore|Thus|Hence|Meanwhile|Still|Yet|Instead|Also|Then|Moreover|Furthermore|"
    r"Besides|Otherwise|Nonetheless|Nevertheless|Likewise|Similarly|Indeed|Even so|In addition|As a result|"
    r"In turn|By contrast|In contrast|On the other hand|Later|Afterward|Afterwards|Again|Now|In fact|Elsewhere|"
    r"After all|Additionally)\b"
)
_DEFINITE = re.compile(
    r"^The\s+(?P<noun>[a-z][\w-]*)(?:['’]s\b|\s+(?:is|was|are|were|has|have|had|will|would|could|can|may|might|"
    r"should|must|did|does|do|said|says|also|not|found|made|took|began|became|held|won|lost|led|[a-z]+ed)\b)"
)
_QUOTE_OPEN = re.compile(r"^[\"“'‘]")
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|stated|wrote|writes|according to|asked|explained|noted|argued|"
    r"insisted|declared|announced|tweeted|posted)\b",
    re.IGNORECASE,
)
_ATTRIBUTION_PRONOUN = re.compile(
    r"[,?!][\"”'’]\s+(?P<pron>he|she)\s+(?:said|says|added|adds|told|tells|wrote|writes|explained|noted|"
    r"argued|insisted|continued|stated|asked|declared|recalled)\b"
)
_PRONOUN_SAYS = re.compile(
    r"[\"”'’],?\s+(?:said|says|added|adds|wrote|writes)\s+(?P<pron>he|she)\b"
)
_CUTTABLE = re.compile(
    r"^(?:But|And|So|However|Meanwhile|Still|Also|Moreover|Furthermore|In addition|Indeed|Now|Yet|Besides)"
    r"(?:,\s*|\s+)(?=[A-Za-z])"
)
_ANTECEDENT_SENTENCES = 3  # how far back in the source a name may stand
_GENERIC_NOUNS = frozenset({"same", "first", "last", "latest", "new", "other", "following", "next", "best", "most"})


@dataclass(frozen=True)
class Standing:
    """How a sentence stands alone: what it ``needs``, where (character offsets in the sentence) and
    the noun of a bare definite subject."""

    need: Need
    start: int = 0
    end: int = 0
    noun: str = ""


def standing(text: str) -> Standing:
    """What ``text`` (one sentence) needs from its context to be understood."""
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    attribution = _ATTRIBUTION_PRONOUN.search(stripped) or _PRONOUN_SAYS.search(stripped)
    if _closes_earlier_quote(stripped) and not _ATTRIBUTION.search(stripped):
        return Standing("previous")
    if _QUOTE_OPEN.match(stripped):
        if attribution:
            return Standing("person", lead + attribution.start("pron"), lead + attribution.end("pron"))
        if not _ATTRIBUTION.search(stripped):
            return Standing("previous")
        return Standing("none")
    m = _PERSON_SUBJECT.match(stripped)
    if m:
        return Standing("person", lead + m.start("pron"), lead + m.end("pron"))
    if _CONNECTIVE.match(stripped):
        return Standing("previous")
    if _OTHER_PRONOUN.match(stripped) and not _IT_EXPLETIVE.match(stripped):
        return Standing("previous")
    d = _DEFINITE.match(stripped)
    if d and d.group("noun") not in _GENERIC_NOUNS:
        return Standing("definite", lead, lead + d.end("noun"), d.group("noun"))
    if attribution:
        return Standing("person", lead + attribution.start("pron"), lead + attribution.end("pron"))
    return Standing("none")


def _closes_earlier_quote(text: str) -> bool:
    """Whether ``text`` ends a quotation that an earlier sentence opened ('in particular.”'): its first
    double quotation mark is a right quote, or its one straight mark ends it ('sanctions."'; a straight
    mark elsewhere does not tell opening from closing)."""
    first = next((i for i, c in enumerate(text) if c in '"“”'), -1)
    if first > 0 and text[first] == "”":
        return True
    return text.count('"') == 1 and text.rstrip().endswith('"') and not text.startswith('"')


def _mentions_noun(texts: Sequence[str], noun: str) -> bool:
    pattern = re.compile(rf"\b{re.escape(noun)}(?:s|es)?\b", re.IGNORECASE)
    return any(pattern.search(t) for t in texts)


def people(doc: Document) -> list[Mention]:
    """The person mentions of a document (a lone surname after "said" included), in text order."""
    return [m for m in rule_mentions([doc]) if m.label in ("PERSON", "")]


def antecedent(doc: Document, sentence: Sentence, at: int, persons: Sequence[Mention] | None = None) -> str | None:
    """The nearest person named before character ``at`` of ``sentence`` in its source, within a few
    sentences, as the source writes the fullest form of that name; None if there is none.
    ``persons``: the source's `people`, when the caller already has them."""
    first = max(0, sentence.index - _ANTECEDENT_SENTENCES)
    window_start = doc.sentences[first].start if doc.sentences else 0
    limit = sentence.start + at
    named = list(persons) if persons is not None else people(doc)
    full_names = [m.text for m in named if m.label == "PERSON" and m.start < limit]
    surnames = {n.split()[-1] for n in full_names}
    # A lone capitalised word counts as a person only when it abbreviates a full name named before.
    before = [
        m for m in named
        if window_start <= m.start and m.end <= limit and (m.label == "PERSON" or m.text.split()[-1] in surnames)
    ]
    if not before:
        return None
    surname = max(before, key=lambda m: m.end).text.split()[-1]
    name = max((n for n in full_names if n.split()[-1] == surname), key=len)
    return re.sub(r"['’]s$", "", name)


def speaker(doc: Document, sentence: Sentence, persons: Sequence[Mention]) -> str | None:
    """Who says the quote ``sentence`` opens with, when its source names them next to it: a person
    with a speech verb in the previous sentence (the quote goes on) or in the next (it ends there)."""
    near = [i for i in (sentence.index - 1, sentence.index + 1) if 0 <= i < len(doc.sentences)]
    for i in near:
        other = doc.sentences[i]
        if not _ATTRIBUTION.search(other.text):
            continue
        inside = [m for m in persons if other.start <= m.start and m.end <= other.end]
        if inside:
            return antecedent(doc, other, inside[-1].end - other.start, persons)
        pronoun = _ATTRIBUTION_PRONOUN.search(other.text) or _PRONOUN_SAYS.search(other.text)
        if pronoun:
            return antecedent(doc, other, pronoun.start("pron"), persons)
    return None


def repair(doc: Document, sentence: Sentence, persons: Sequence[Mention] | None = None) -> Repair | None:
    """The bracket repair that lets ``sentence`` stand alone, or None when its source gives none.

    A pronoun subject becomes the nearest person named before it ("[Robert Lighthizer] said"); a
    leading connective goes, the bracketed first letter marking the cut ("However, the deal" ->
    "[T]he deal"); a quote without a speaker gets the one its source names next to it
    ("[Lighthizer said:] "We have much work to do"). Other sentences are left as they are: the end of
    a quote begun in an earlier sentence is not repaired (its speaker, looked for the same way, was
    often the wrong person), so it is scored down like any sentence that leans on context.
    """
    text = sentence.text
    named = list(persons) if persons is not None else people(doc)
    cut = _CUTTABLE.match(text)
    rest = text[cut.end() :] if cut else text
    shift = cut.end() if cut else 0
    need = standing(rest)
    if need.need == "none":
        if not cut or not rest[:1].isalpha():
            return None
        return Repair(0, shift + 1, text[: shift + 1], f"[{rest[0].upper()}]")
    if need.need == "person":
        name = antecedent(doc, sentence, shift + need.start, named)
        if name is None:
            return None
        pronoun = rest[need.start : need.end]
        inserted = f"[{name}'s]" if pronoun.lower() in ("his", "her") else f"[{name}]"
        begin = 0 if cut else shift + need.start
        return Repair(begin, shift + need.end, text[begin : shift + need.end], inserted)
    if need.need == "previous" and not cut and _QUOTE_OPEN.match(text) and not _ATTRIBUTION.search(text):
        name = speaker(doc, sentence, named)
        return Repair(0, 0, "", f"[{name} said:] ") if name else None
    return None


def apply_repairs(text: str, repairs: Sequence[Repair]) -> str:
    """``text`` with each repair's span replaced by its bracketed words (offsets index ``text``)."""
    out = text
    for r in sorted(repairs, key=lambda r: r.start, reverse=True):
        out = out[: r.start] + r.inserted + out[r.end :]
    return out


def undo_repairs(text: str, repairs: Sequence[Repair]) -> str:
    """The source's words again: the inverse of `apply_repairs`."""
    out = text
    shift = 0
    for r in sorted(repairs, key=lambda r: r.start):
        start = r.start + shift
        out = out[:start] + r.original + out[start + len(r.inserted) :]
        shift += len(r.inserted) - (r.end - r.start)
    return out


def follows(previous: Sentence | None, sentence: Sentence) -> bool:
    """Whether ``sentence`` comes right after ``previous`` in the same source."""
    return previous is not None and previous.doc == sentence.doc and previous.index == sentence.index - 1


def resolved(need: Standing, sentence: Sentence, earlier: Sequence[Sentence]) -> bool:
    """Whether the brief sentences ``earlier`` (in reading order) already give what ``sentence`` needs.
    A source's first sentence was written to stand alone: its "the <noun>" needs nothing."""
    if need.need == "none" or (need.need == "definite" and sentence.index == 0):
        return True
    if earlier and follows(earlier[-1], sentence):
        return True
    return need.need == "definite" and _mentions_noun([s.text for s in earlier], need.noun)


def dangling(sentences: Sequence[str]) -> list[int]:
    """Positions of the sentences of a brief (in order) whose subject needs context not given before
    them: the proxy the reader-panel benchmark counts. Bracket repairs count as given."""
    out = []
    for i, text in enumerate(sentences):
        need = standing(text)
        if need.need == "none":
            continue
        if need.need == "definite" and _mentions_noun(sentences[:i], need.noun):
            continue
        out.append(i)
    return out
