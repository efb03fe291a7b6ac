"""Choosing the brief's sentences: score claim groups, pick informative non-redundant ones, order them.

Scoring is a linear model over cheap features (`newsbrief.briefing.features`) whose weights ship in
``data/scorer.json`` (trained by ``benchmarks/train_scorer.py`` on oracle labels, validated
with 5-fold cross-validation). Picking is greedy: best score first, skipping a group too close
to one already chosen, until the word (or sentence) budget is reached; the last sentence may
cross the word budget, nothing after it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from newsbrief.briefing.features import FEATURE_NAMES, GroupFeatures, group_features, word_count
from newsbrief.briefing.standalone import apply_repairs, people, repair, resolved, standing
from newsbrief.facts.ner import Mention
from newsbrief.model import ClaimGroup, Document, Sentence
from newsbrief.text import content_terms

DEFAULT_WORDS = 150
MIN_WORDS = 5  # shorter fragments (bylines, captions, "Read more.") never make a brief


@dataclass(frozen=True)
class Budget:
    """How long a brief may be: ``words`` (default 150 when neither is given) and/or ``sentences``."""

    words: int | None = None
    sentences: int | None = None

    @property
    def word_limit(self) -> int | None:
        if self.words is None and self.sentences is None:
            return DEFAULT_WORDS
        return self.words


@dataclass(frozen=True)
class Scorer:
    """Linear feature weights plus the redundancy threshold used while picking."""

    weights: tuple[float, ...]
    names: tuple[str, ...] = FEATURE_NAMES
    redundancy: float = 0.3  # max tf-idf cosine to an already chosen sentence
    length_penalty: float = 0.5  # score -= length_penalty * log(words): favours dense sentences
    fit_slack: int = 15  # near the budget, skip a sentence overshooting it by more than this

    def vector(self) -> np.ndarray:
        by_name = dict(zip(self.names, self.weights, strict=True))
        return np.array([by_name.get(name, 0.0) for name in FEATURE_NAMES], dtype=np.float64)


@cache
def default_scorer() -> Scorer:
    """The shipped weights (``newsbrief/data/scorer.json``)."""
    path = resources.files("newsbrief") / "data" / "scorer.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return Scorer(
        weights=tuple(float(w) for w in data["weights"]),
        names=tuple(data["names"]),
        redundancy=float(data.get("redundancy", 0.3)),
        length_penalty=float(data.get("length_penalty", 0.5)),
        fit_slack=int(data.get("fit_slack", 15)),
    )


def score_groups(docs: Sequence[Document], groups: Sequence[ClaimGroup], scorer: Scorer) -> np.ndarray:
    """One score per group: higher means more worth a place in the brief."""
    if not groups:
        return np.zeros(0)
    return _scores(group_features(docs, groups), scorer)


def _scores(feats: GroupFeatures, scorer: Scorer) -> np.ndarray:
    """Linear score minus the length penalty: the order in which groups are considered."""
    return feats.matrix @ scorer.vector() - scorer.length_penalty * np.log(np.maximum(feats.lengths, 1.0))


def _doc_date(docs: Sequence[Document], doc: int) -> dt.date | None:
    if 0 <= doc < len(docs) and docs[doc].date is not None:
        date = docs[doc].date
        return date.earliest if date is not None else None
    return None


def reading_order(docs: Sequence[Document], groups: Sequence[ClaimGroup]) -> list[ClaimGroup]:
    """Dated sources first by date, then by source number and position in the source."""

    def key(group: ClaimGroup) -> tuple[int, dt.date, int, int]:
        rep = group.members[0]
        date = _doc_date(docs, rep.doc)
        return (0 if date else 1, date or dt.date.min, rep.doc, rep.index)

    return sorted(groups, key=key)


@dataclass(frozen=True)
class SelectOptions:
    """How picking treats sentences that lean on context, and the lede."""

    standalone_penalty: float = 1.0
    """Score taken from a sentence whose subject needs context the brief does not give (a pronoun
    with no repair, a connective, a bare "the <noun>", a quote without speaker): it makes the brief
    only if it is clearly better than the standalone ones. ``inf`` never chooses one, 0 ignores it."""
    repairs: bool = True
    """A pronoun subject with a named person before it in its source counts as repairable."""
    lede: bool = False
    """Open the brief with the sentence that best tells what happened (see `pick_lede`), even one not
    otherwise chosen. Off by default: in a blind A/B read (docs/benchmarks.md, issue 13) it put the main
    news first less often. Off, the brief still opens with the best lede among the chosen sentences."""
    same_fact: float = 0.6
    """Share of the shorter sentence's content terms found in a chosen one from which it states the
    same fact: it is left out and its sources are cited by the chosen one."""
    same_lead: float = 0.5
    """The same share between two sources' leads (each among its source's first three sentences): leads
    of one story tell its main news, so two that share half their terms tell it twice."""


@dataclass(frozen=True)
class Selection:
    """The chosen claim groups (lede first, then reading order), the member of each to print, and the
    left-out groups that state the same fact as a chosen one (their sources are cited too)."""

    groups: tuple[ClaimGroup, ...]
    printed: tuple[Sentence, ...]
    same_fact: dict[int, tuple[ClaimGroup, ...]]


def select_sentences(
    docs: Sequence[Document],
    groups: Sequence[ClaimGroup],
    budget: Budget,
    scorer: Scorer | None = None,
    cover: Sequence[frozenset[int]] = (),
    options: SelectOptions | None = None,
) -> list[ClaimGroup]:
    """The claim groups that make the brief, in the order the brief shows them (see `select_brief`)."""
    return list(select_brief(docs, groups, budget, scorer, cover, options).groups)


def select_brief(
    docs: Sequence[Document],
    groups: Sequence[ClaimGroup],
    budget: Budget,
    scorer: Scorer | None = None,
    cover: Sequence[frozenset[int]] = (),
    options: SelectOptions | None = None,
) -> Selection:
    """Pick the brief: the lede, then the best-scored groups that fit, stand alone and add a fact.

    ``cover`` holds sets of group ids (the claims of each event of the cluster) of which the brief
    must show at least one each when the sources allow: a lower-scored choice makes room.
    """
    if not groups:
        return Selection((), (), {})
    options = options or SelectOptions()
    scorer = scorer or default_scorer()
    feats = group_features(docs, groups)
    scores = _scores(feats, scorer)
    word_limit = budget.word_limit
    printed = {i: _printable(g) for i, g in enumerate(groups)}
    fixable = _fixable(docs, printed, options.repairs)
    # The budget counts the words of the printed sentence (a repair's one to three words aside).
    lengths = np.array([word_count(printed[i].text) for i in range(len(groups))], dtype=np.float64)
    if options.standalone_penalty and not math.isinf(options.standalone_penalty):
        leaning = [not _stands(printed[i], i in fixable, []) for i in range(len(groups))]
        scores = scores - options.standalone_penalty * np.array(leaning, dtype=np.float64)
    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    # Fragments never make a brief, unless the sources hold nothing longer; nor do lines that do not end
    # like a sentence (headlines, deks, labels ending in a colon, list items, cut-off text) unless the
    # sources hold no sentence that does.
    min_words = MIN_WORDS if float(feats.lengths.max()) >= MIN_WORDS else 1
    ends = [_ends_sentence(printed[i].text) for i in range(len(groups))]
    must_end = any(e and lengths[i] >= min_words for i, e in enumerate(ends))
    eligible = [lengths[i] >= min_words and (ends[i] or not must_end) for i in range(len(groups))]
    terms = [frozenset(_terms(docs, g.members[0])) for g in groups]
    chosen: list[int] = []
    same_fact: dict[int, list[int]] = {}
    total = 0
    seen_texts: set[str] = set()
    lede = pick_lede(docs, groups, scores, lengths, printed) if options.lede else None
    candidates = ([lede] if lede is not None else []) + [i for i in order if i != lede]
    for i in candidates:
        text = " ".join(groups[i].members[0].text.split())
        if not eligible[i] or not text or text.lower() in seen_texts:
            continue
        if word_limit is not None and total and lengths[i] > word_limit - total + scorer.fit_slack:
            continue
        twin = _same_fact(i, chosen, terms, options, printed)
        if twin is not None:
            same_fact.setdefault(twin, []).append(i)
            continue
        if chosen and float(feats.similarity[chosen, i].max()) > scorer.redundancy:
            continue
        strict = math.isinf(options.standalone_penalty)
        if strict and not _stands(printed[i], i in fixable, [printed[j] for j in chosen]):
            continue
        chosen.append(i)
        seen_texts.add(text.lower())
        total += int(lengths[i])
        if word_limit is not None and total >= word_limit:
            break
        if budget.sentences is not None and len(chosen) >= budget.sentences:
            break
    if cover:
        _cover(cover, chosen, order, groups, lengths, budget, eligible)
    if lede is None:
        lede = pick_lede(docs, groups, scores, lengths, printed, among=chosen)
    rest = reading_order(docs, [groups[i] for i in chosen if i != lede])
    ordered = ([groups[lede]] if lede in chosen else []) + rest
    index = {g.id: i for i, g in enumerate(groups)}
    return Selection(
        groups=tuple(ordered),
        printed=tuple(printed[index[g.id]] for g in ordered),
        same_fact={groups[k].id: tuple(groups[j] for j in v) for k, v in same_fact.items() if k in chosen},
    )


def _ends_sentence(text: str) -> bool:
    """Whether ``text`` ends the way a sentence does: a full stop, "!" or "?", maybe inside a quote."""
    return text.rstrip().rstrip("\"'”’)]").endswith((".", "!", "?")) and not text.rstrip().endswith(("...", "…"))


def _terms(docs: Sequence[Document], sentence: Sentence) -> Sequence[str]:
    if sentence.doc < len(docs) and sentence.index < len(docs[sentence.doc].terms):
        return docs[sentence.doc].terms[sentence.index]
    return content_terms(sentence.text)


def _printable(group: ClaimGroup) -> Sentence:
    """The member to print: the earliest source's, unless another source says it standing alone."""
    first = group.members[0]
    if standing(first.text).need == "none":
        return first
    return next((m for m in group.members if standing(m.text).need == "none"), first)


def _same_fact(
    i: int,
    chosen: Sequence[int],
    terms: Sequence[frozenset[str]],
    options: SelectOptions,
    printed: Mapping[int, Sentence],
) -> int | None:
    """The chosen group whose terms hold most of group ``i``'s (or the other way round), if any; between
    leads of two sources a smaller share is enough (``options.same_lead``)."""
    for j in chosen:
        small = min(len(terms[i]), len(terms[j]))
        leads = printed[i].doc != printed[j].doc and max(printed[i].index, printed[j].index) < _LEDE_DEPTH
        threshold = min(options.same_fact, options.same_lead) if leads else options.same_fact
        if small >= 4 and len(terms[i] & terms[j]) / small >= threshold:
            return j
    return None


def _fixable(docs: Sequence[Document], printed: dict[int, Sentence], repairs: bool) -> dict[int, str]:
    """The repaired text of each printed sentence that leans on context and has a bracket repair."""
    if not repairs:
        return {}
    named: dict[int, list[Mention]] = {}
    out: dict[int, str] = {}
    for i, sentence in printed.items():
        if standing(sentence.text).need == "none" or sentence.doc >= len(docs):
            continue
        doc = docs[sentence.doc]
        if sentence.doc not in named:
            named[sentence.doc] = people(doc)
        fix = repair(doc, sentence, named[sentence.doc])
        if fix is not None:
            out[i] = apply_repairs(sentence.text, (fix,))
    return out


def _stands(sentence: Sentence, fixable: bool, shown: Sequence[Sentence]) -> bool:
    """Whether ``sentence`` can stand after the brief sentences ``shown``: it needs no context, has
    a repair, follows its source's previous sentence, or names a thing the brief named before."""
    need = standing(sentence.text)
    return fixable or resolved(need, sentence, shown)


_PREVIEW = re.compile(
    r"\b(?:will|would|could|may|might|expected to|expects? to|plans? to|set to|poised to|scheduled to|"
    r"aims? to|hopes? to|likely to|ahead of|next week|tomorrow|predicts?|predicted|forecasts?)\b",
    re.IGNORECASE,
)
_LEDE_WORDS = (8, 55)
_LEDE_DEPTH = 3  # a lede is among the first sentences of a source
_FIRST_SENTENCE_BONUS = 1.0  # in scorer units (their spread within a cluster is about 0.5-1.0)
_CONCRETE = re.compile(r"\d|(?<=\S )[A-Z][a-z]")
"""A digit, or a capitalised word after the first: who or what the sentence is about."""


def pick_lede(
    docs: Sequence[Document],
    groups: Sequence[ClaimGroup],
    scores: np.ndarray,
    lengths: np.ndarray,
    printed: dict[int, Sentence],
    among: Collection[int] | None = None,
) -> int | None:
    """The group that opens the brief (one of ``among`` when given: the chosen ones): a source's early
    sentence that stands alone and tells what happened (names someone or something, or gives a number;
    not a preview or forecast, not a quote or question), the best scored, a source's own first sentence
    slightly preferred. Scores, not dates, decide: the newest source in a cluster is as often a reaction
    or an analysis piece whose opening line sets a mood ("Governments are not supposed to lose votes like
    this.") as it is the outcome of a preview, and previews are already left out."""
    best: tuple[float, int] | None = None
    for i in range(len(groups)) if among is None else among:
        sentence = printed[i]
        text = sentence.text.strip()
        if sentence.index >= _LEDE_DEPTH or not _LEDE_WORDS[0] <= lengths[i] <= _LEDE_WORDS[1]:
            continue
        if not resolved(standing(text), sentence, []) or not text.endswith((".", "!", '."', ".”")):
            continue
        if _PREVIEW.search(text) or not _CONCRETE.search(text) or text[:1] in "\"“'‘":
            continue
        key = float(scores[i]) + (_FIRST_SENTENCE_BONUS if sentence.index == 0 else 0.0)
        if best is None or key > best[0]:
            best = (key, i)
    return best[1] if best else None


def _cover(
    cover: Sequence[frozenset[int]],
    chosen: list[int],
    order: list[int],
    groups: Sequence[ClaimGroup],
    lengths: np.ndarray,
    budget: Budget,
    eligible: Sequence[bool],
) -> None:
    """Give every set of ``cover`` its best group in ``chosen`` (kept in score order), dropping the
    lowest-scored choices whose set keeps another member until the new one fits the budget."""
    set_of = {gid: k for k, ids in enumerate(cover) for gid in ids}

    def removable(i: int) -> bool:
        k = set_of.get(groups[i].id)
        return k is None or sum(1 for j in chosen if set_of.get(groups[j].id) == k) > 1

    def fits(new: int) -> bool:
        total = sum(int(lengths[i]) for i in chosen) + int(lengths[new])
        words_ok = budget.word_limit is None or total <= budget.word_limit or not chosen
        return words_ok and (budget.sentences is None or len(chosen) < budget.sentences)

    for ids in cover:
        if any(groups[i].id in ids for i in chosen):
            continue
        best = next((i for i in order if groups[i].id in ids and eligible[i]), None)
        if best is None:
            continue
        while not fits(best):
            victim = next((i for i in reversed(chosen) if removable(i)), None)
            if victim is None:
                break
            chosen.remove(victim)
        chosen.append(best)
