"""Merge entity mentions across sources and name variants, and find each person's role."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from newsbrief.facts.model import Entity
from newsbrief.facts.ner import HONORIFICS, ORG_WORDS, ROLE_NOUNS, TITLES, Mention
from newsbrief.model import Document
from newsbrief.text import canonical_aliases

_POSSESSIVE_RE = re.compile(r"(?:['’]s|['’])$")
_LEADING_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)
_PLACE_NAMES = {"us": "United States", "uk": "United Kingdom", "eu": "European Union", "un": "United Nations"}
_JUNK = frozenset({"latest news", "news", "advertisement", "reuters", "ap", "afp"})


@dataclass(frozen=True)
class Resolved:
    """A mention resolved to a merged entity (used to find quote speakers)."""

    doc: int
    start: int
    end: int
    name: str
    kind: str


@dataclass(frozen=True)
class Entities:
    people: tuple[Entity, ...]
    organisations: tuple[Entity, ...]
    places: tuple[Entity, ...]
    resolved: tuple[Resolved, ...]


def _clean(mention: Mention) -> tuple[str, int]:
    """Mention text without possessive, leading "the" and honorifics; and the offset it lost at the front."""
    text = _POSSESSIVE_RE.sub("", mention.text.strip())
    lost = 0
    while True:
        m = _LEADING_THE_RE.match(text)
        first = text.split(" ", 1)
        if m:
            lost += m.end()
            text = text[m.end() :]
        elif len(first) == 2 and (first[0].lower() in HONORIFICS or first[0].lower() in TITLES):
            lost += len(first[0]) + 1
            text = first[1].lstrip()
        else:
            return text, lost


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def _same_person(a: str, b: str) -> bool:
    """Full names that are one person: spelling variants, spacing/hyphen forms, a name and its prefix."""
    ta, tb = a.split(), b.split()
    ka, kb = _key(a), _key(b)
    if ka == kb:
        return True
    if ta[0].lower() != tb[0].lower() and ta[-1].lower() != tb[-1].lower():
        return False
    short, long_ = sorted((ka, kb), key=len)
    if long_.startswith(short) and min(len(ta), len(tb)) >= 2:
        return True
    return fuzz.ratio(ka, kb) >= 88


def _role_before(text: str, start: int) -> str | None:
    """ "South Korean Trade Minister [Kim]" or "South Korea's top negotiator, [Yoo]": the role words before a name."""
    before = text[max(0, start - 120) : start]
    before = before.split("\n")[-1]
    appositive = before.rstrip().endswith(",")
    segment = before.rstrip().rstrip(",")
    tokens = segment.split()
    kept: list[str] = []
    for tok in reversed(tokens):
        low = tok.lower().strip(",.;:")
        if tok.endswith((",", ";", ":", '"', "”")) and kept:
            break
        if (
            tok[:1].isupper()
            or low in ROLE_NOUNS
            or low in {"of", "for", "top", "senior", "former", "assistant"}
        ):
            kept.append(tok.strip(",;:"))
            continue
        if appositive and low not in {"said", "told", "and"} and len(kept) < 6 and kept:
            kept.append(tok)
            continue
        break
    kept.reverse()
    while kept and kept[0].lower() in {"of", "for", "and", "the"}:
        kept = kept[1:]
    lows = [k.lower().strip(",.") for k in kept]
    if not kept or not any(w in ROLE_NOUNS for w in lows) or all(w in HONORIFICS for w in lows):
        return None
    if lows[0] in {"mr", "mr.", "mrs", "ms", "dr"}:
        return None
    return " ".join(kept)


_ROLE_AFTER_RE = re.compile(r"^['’]?s?,\s+((?:a |an |the )?[^,.;\"“”()]{3,140}?)(?=,|\.|;|$| said| told)")


def _role_after(text: str, end: int) -> str | None:
    """ "[Troy Stangarone], senior director of ...": an appositive role after a name."""
    m = _ROLE_AFTER_RE.match(text[end : end + 170])
    if not m:
        return None
    role = m.group(1).strip()
    words = [w.lower() for w in re.findall(r"[\w’'-]+", role)]
    if not words or words[0] in {"who", "which", "said", "told", "and", "but"} or not role[:1].islower():
        return None
    if not any(w in ROLE_NOUNS for w in words[:6]):
        return None
    return re.sub(r"^(?:a|an|the)\s+", "", role)


def _pick_role(roles: list[str]) -> str | None:
    if not roles:
        return None
    counts = Counter(canonical_aliases(r).lower() for r in roles)
    best = max(roles, key=lambda r: (counts[canonical_aliases(r).lower()], len(r)))
    return best


def merge_entities(docs: Sequence[Document], mentions: Sequence[Mention]) -> Entities:
    """People, organisations and places merged across sources, with roles and sources."""
    cleaned: list[tuple[Mention, str, int]] = []
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    lower_words = {w for doc in docs for w in re.findall(r"\b[a-z]+\b", doc.text)}
    for m in mentions:
        name, lost = _clean(m)
        if len(name) < 2 or not name[:1].isupper() or name.lower() in _JUNK:
            continue
        if m.label != "PERSON" and " " not in name and not name.isupper() and name.lower() in lower_words:
            continue  # "Trade", "Energy": a common word capitalised, not a name
        cleaned.append((m, name, lost))
        votes[name][m.label] += 1

    named_things = _named_things(docs)
    place_votes = {n for n, c in votes.items() if c["PLACE"]}

    def label_of(name: str) -> str:
        counts = votes[name]
        best = max(("PERSON", "PLACE", "ORG"), key=lambda lab: (counts[lab], lab == "PERSON"))
        return best if counts[best] else ""

    # People: full names first, then single-token mentions attached to the full name they abbreviate.
    full_names = [n for n in votes if label_of(n) == "PERSON" and len(n.split()) > 1]
    full_names.sort(key=lambda n: (-sum(votes[n].values()), -len(n), n))
    clusters: list[list[str]] = []
    for n in full_names:
        for c in clusters:
            if any(_same_person(n, o) for o in c):
                c.append(n)
                break
        else:
            clusters.append([n])
    cluster_of = {n: i for i, c in enumerate(clusters) for n in c}
    token_index: dict[str, set[int]] = defaultdict(set)
    for n, i in cluster_of.items():
        toks = n.split()
        token_index[toks[0].lower()].add(i)
        token_index[toks[-1].lower()].add(i)

    surnames = {n.split()[-1] for n in cluster_of}
    mention_count: Counter[int] = Counter()
    doc_count: Counter[tuple[int, int]] = Counter()
    for m, name, _ in cleaned:
        if name in cluster_of:
            mention_count[cluster_of[name]] += 1
            doc_count[(m.doc, cluster_of[name])] += 1

    assigned: list[tuple[Mention, str, int, int | str]] = []  # mention, name, lost, cluster or kind
    last_in_doc: dict[int, int] = {}
    for m, name, lost in sorted(cleaned, key=lambda x: (x[0].doc, x[0].start)):
        if name in cluster_of:
            cid = cluster_of[name]
            last_in_doc[m.doc] = cid
            assigned.append((m, name, lost, cid))
            continue
        single = len(name.split()) == 1
        candidates = token_index.get(name.lower(), set()) if single else set()
        if candidates and (votes[name]["PERSON"] > 0 or label_of(name) != "PLACE"):
            if last_in_doc.get(m.doc) in candidates:
                cid = last_in_doc[m.doc]
            else:
                cid = max(candidates, key=lambda c: (doc_count[(m.doc, c)], mention_count[c], -c))
            assigned.append((m, name, lost, cid))
            continue
        kind = label_of(name)
        if kind == "PLACE" and (name in named_things or _demonym(name, place_votes)):
            continue  # "the ship Northern Lark", "South Korean": not places
        if not kind and _family_member(name, surnames):
            kind = "PERSON"  # "Melissa Klein" beside "Aaron Klein"
        if not kind:
            continue
        if kind == "PERSON":
            if single and lost == 0:
                continue  # a lone untitled surname that abbreviates no full name
            cid_new = len(clusters)
            clusters.append([name])
            cluster_of[name] = cid_new
            token_index[name.lower()].add(cid_new)
            assigned.append((m, name, lost, cid_new))
            continue
        assigned.append((m, name, lost, kind))

    by_cid = _people(docs, assigned)
    people = list(by_cid.values())
    orgs, places = _others(assigned, {p.name for p in people} | {v for p in people for v in p.variants})
    resolved: list[Resolved] = []
    names = {cid: p.name for cid, p in by_cid.items()}
    by_variant = {v: e for e in (*places, *orgs) for v in e.variants}
    for m, name, _lost, target in assigned:
        if isinstance(target, int) and target in names:
            resolved.append(Resolved(m.doc, m.start, m.end, names[target], "person"))
        elif isinstance(target, str) and name in by_variant:
            e = by_variant[name]
            resolved.append(Resolved(m.doc, m.start, m.end, e.name, e.kind))
    return Entities(tuple(people), tuple(orgs), tuple(places), tuple(resolved))


_THING_BEFORE_RE = re.compile(
    r"\b(?:ship|vessel|tanker|freighter|carrier|boat|ferry|yacht|submarine|destroyer|frigate|liner|barge|"
    r"tugboat|trawler|aircraft|jet|plane|rocket|satellite|spacecraft|model|brand|product|drug|device|app|game|"
    r"film|movie|album|novel|book|song|show|series|hurricane|storm|typhoon|cyclone|operation)\s+"
    r"((?:[A-Z][\w'’-]*)(?:\s+[A-Z][\w'’-]*){0,3})"
)
_DEMONYM_RE = re.compile(r"(?:ean|ian|ese|ish)$")


def _named_things(docs: Sequence[Document]) -> set[str]:
    """Names that follow a vessel, product or storm noun somewhere in the cluster ("the container
    ship Northern Lark"): things, not places."""
    return {m.group(1) for doc in docs for m in _THING_BEFORE_RE.finditer(doc.text)}


def _demonym(name: str, places: set[str]) -> bool:
    """A nationality adjective ("South Korean", "Chinese"), not a place."""
    last = name.split()[-1]
    if _DEMONYM_RE.search(last.lower()):
        return True
    return any(name in (p + "n", p + "an") for p in places if p != name)


def _family_member(name: str, surnames: set[str]) -> bool:
    words = name.split()
    return (
        2 <= len(words) <= 3
        and words[-1] in surnames
        and all(re.fullmatch(r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+)*\.?", w) for w in words)
        and not any(w.lower() in ORG_WORDS for w in words)
    )


def _display_name(variants: Counter[str]) -> str:
    full = [v for v in variants if len(v.split()) > 1] or list(variants)
    return max(full, key=lambda v: (variants[v], "-" in v, len(v.split()), -len(v), v))


def _people(docs: Sequence[Document], assigned: list) -> dict[int, Entity]:
    by_cluster: dict[int, list[tuple[Mention, str, int]]] = defaultdict(list)
    for m, name, lost, target in assigned:
        if isinstance(target, int):
            by_cluster[target].append((m, name, lost))
    people: dict[int, Entity] = {}
    for cid in sorted(by_cluster, key=lambda c: min((x[0].doc, x[0].start) for x in by_cluster[c])):
        items = by_cluster[cid]
        variants: Counter[str] = Counter(name for _, name, _ in items)
        name = _display_name(variants)
        roles: list[str] = []
        for m, _, lost in items:
            text = docs[m.doc].text
            for role in (_role_before(text, m.start + lost), _role_after(text, m.end)):
                if role:
                    roles.append(role)
            if lost:
                title = m.text[:lost].strip()
                if title.lower().rstrip(".") not in HONORIFICS and title.lower() != "the":
                    roles.append(title)
        surface = Counter(m.text for m, _, _ in items)
        people[cid] = Entity(
            name=name,
            kind="person",
            variants=tuple(sorted(set(variants) | set(surface), key=lambda v: (-surface[v], v))),
            sources=tuple(sorted({m.doc + 1 for m, _, _ in items})),
            mentions=len(items),
            role=_pick_role(roles),
        )
    return people


def _other_key(name: str) -> str:
    return _key(canonical_aliases(_LEADING_THE_RE.sub("", name)))


def _others(assigned: list, person_names: set[str]) -> tuple[list[Entity], list[Entity]]:
    groups: dict[tuple[str, str], list[tuple[Mention, str]]] = defaultdict(list)
    for m, name, _, target in assigned:
        if isinstance(target, str) and name not in person_names:
            groups[(target, _other_key(name))].append((m, name))
    orgs: list[Entity] = []
    places: list[Entity] = []
    for (kind, _), items in groups.items():
        variants: Counter[str] = Counter(name for _, name in items)
        long_forms = Counter({v: c for v, c in variants.items() if len(v) > 3}) or variants
        name = _PLACE_NAMES.get(canonical_aliases(next(iter(variants))).lower()) or max(
            long_forms, key=lambda v: (long_forms[v], len(v))
        )
        entity = Entity(
            name=name,
            kind="place" if kind == "PLACE" else "organisation",
            variants=tuple(sorted(variants, key=lambda v: (-variants[v], v))),
            sources=tuple(sorted({m.doc + 1 for m, _ in items})),
            mentions=len(items),
        )
        (places if kind == "PLACE" else orgs).append(entity)
    rank = lambda e: (-len(e.sources), -e.mentions, e.name)  # noqa: E731
    return sorted(orgs, key=rank), sorted(places, key=rank)
