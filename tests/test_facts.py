"""Facts of a brief against hand annotations: people, quotes, figure groups and disagreements."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from newsbrief.facts import Facts, Quote, extract_facts, facts_html, facts_markdown
from newsbrief.facts.model import Disagreement, Entity, FigureGroup, FigureValue, SelfContradiction
from newsbrief.model import Article, Document
from newsbrief.sentences import split_sentences
from newsbrief.text import normal_form

DATA = Path(__file__).parent / "data" / "facts_multinews.json"
BACKENDS = ["rules", "spacy"]
_SCALES = {"billion": 1e9, "million": 1e6, "thousand": 1e3, "trillion": 1e12}
_HONORIFICS = re.compile(r"^(?:Mr\.?|Mrs\.?|Ms\.?|Dr\.?|President|Ambassador)\s+")


def build_docs(texts: list[str]) -> list[Document]:
    """Cleaned documents: the lead's cleaner when it imports, else non-empty lines split into sentences."""
    try:
        from newsbrief.briefing.clean import clean_article

        return [clean_article(Article(text=t), doc=i) for i, t in enumerate(texts)]
    except ImportError:
        docs = []
        for i, t in enumerate(texts):
            text = "\n\n".join(line.strip() for line in t.splitlines() if line.strip())
            docs.append(Document(str(i), Article(text=t), "", text, split_sentences(text, doc=i)))
        return docs


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def _same_name(a: str, b: str) -> bool:
    return fuzz.ratio(_key(a), _key(b)) >= 90


def amount(text: str) -> float:
    """The first amount an annotation writes: "US$27.7 billion (S$37.7 billion)" -> 27.7e9."""
    m = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*(billion|million|thousand|trillion)?", text)
    assert m, text
    return float(m.group(1).replace(",", "")) * _SCALES.get(m.group(2) or "", 1.0)


def find_person(facts: Facts, name: str) -> Entity | None:
    for p in facts.people:
        if _same_name(p.name, name) or any(_same_name(v, name) for v in p.variants if " " in v):
            return p
    return None


def people_recall(facts: Facts, people: list[dict], distinct: list[list[str]]) -> tuple[float, list[str]]:
    missed = []
    for person in people:
        found = find_person(facts, person["name"])
        variants = [_HONORIFICS.sub("", v) for v in person.get("variants", [])]
        if found is None or not all(
            any(_same_name(v, have) for have in (found.name, *found.variants)) for v in variants
        ):
            missed.append(person["name"])
    for a, b in distinct:
        pa, pb = find_person(facts, a), find_person(facts, b)
        if pa is not None and pa == pb:
            missed.append(f"{a} merged with {b}")
    return 1 - len(missed) / len(people), missed


def find_quote(facts: Facts, text: str, source: int) -> Quote | None:
    want = normal_form(text)
    for q in facts.quotes:
        have = normal_form(q.text)
        if source in q.sources and (want in have or have in want and len(have.split()) >= 2):
            return q
    return None


def quotes_recall(facts: Facts, quotes: list[dict]) -> tuple[float, list[str]]:
    missed = []
    for q in quotes:
        found = find_quote(facts, q["text"], q["source"])
        if found is None or found.speaker is None or not _same_name(found.speaker, q["speaker"]):
            missed.append(f"{q['text']!r} ({q['speaker']}) -> {found.speaker if found else 'not found'}")
    return 1 - len(missed) / len(quotes), missed


def group_of(facts: Facts, source: int, value: float) -> FigureGroup | None:
    for g in facts.figures:
        for f in g.figures:
            if f.source == source and abs(f.value - value) <= 1e-6 * max(1.0, abs(value)):
                return g
    return None


def figure_groups_right(facts: Facts, groups: list[dict]) -> tuple[int, list[str]]:
    """An expected group is right when its values are found, in one group, holding no other group's value."""
    firsts = [[(v["source"], amount(v["value"])) for v in g["values"]] for g in groups]
    wrong = []
    for i, (g, values) in enumerate(zip(groups, firsts, strict=True)):
        found = [group_of(facts, s, v) for s, v in values]
        if any(f is None for f in found) or len({id(f) for f in found}) != 1:
            wrong.append(f"{g['what']}: {[f.id if f else None for f in found]}")
            continue
        others = {(s, v) for j, vs in enumerate(firsts) if j != i for s, v in vs}
        if any((f.source, f.value) in others for f in found[0].figures):  # type: ignore[union-attr]
            wrong.append(f"{g['what']}: merged with another group")
    return len(groups) - len(wrong), wrong


def korus_annotations(korus_dir: Path, expected: dict) -> tuple[list[str], dict]:
    files = sorted(p.name for p in korus_dir.glob("*.txt"))
    source = {name: i + 1 for i, name in enumerate(files)}
    ann = {
        "people": expected["people"],
        "distinct": [["Kim Hyun-chong", "Kim Jong-un"]],
        "quotes": [{**q, "source": source[q["file"]]} for q in expected["quotes"]],
        "figures": [
            {**g, "values": [{"source": source[v["file"]], "value": v["value"]} for v in g["values"]]}
            for g in expected["figures"]
        ],
    }
    return [(korus_dir / f).read_text(encoding="utf-8") for f in files], ann


@pytest.fixture(scope="module", params=BACKENDS)
def korus(request: pytest.FixtureRequest, korus_dir: Path, korus_expected: dict) -> tuple[Facts, dict]:
    texts, ann = korus_annotations(korus_dir, korus_expected)
    return extract_facts(build_docs(texts), ner=request.param), ann


def test_korus_people_merged_across_variants(korus: tuple[Facts, dict]) -> None:
    facts, ann = korus
    recall, missed = people_recall(facts, ann["people"], ann["distinct"])
    assert recall == 1.0, missed
    kim = find_person(facts, "Kim Hyun-chong")
    assert kim is not None and "Kim Hyung-chong" in kim.variants and 1 in kim.sources
    assert kim.role and "Trade Minister" in kim.role
    lighthizer = find_person(facts, "Robert Lighthizer")
    assert lighthizer is not None and lighthizer.role and "Trade Representative" in lighthizer.role
    assert find_person(facts, "Kim Jong-un") not in (None, kim)


def test_korus_countries_merge(korus: tuple[Facts, dict]) -> None:
    facts, _ = korus
    us = [p for p in facts.places if {"US", "U.S.", "United States"} & set(p.variants)]
    assert len(us) == 1 and {"U.S.", "United States"} <= set(us[0].variants)


def test_korus_quotes_with_speakers(korus: tuple[Facts, dict]) -> None:
    facts, ann = korus
    recall, missed = quotes_recall(facts, ann["quotes"])
    assert recall == 1.0, missed


def test_korus_figure_groups_and_verdicts(korus: tuple[Facts, dict]) -> None:
    facts, ann = korus
    right, wrong = figure_groups_right(facts, ann["figures"])
    assert right >= 8, wrong
    deficit = group_of(facts, 1, 27.7e9)
    assert deficit is not None and deficit.period == "2016"
    assert {1, 2, 3, 4} <= set(deficit.sources) and deficit.verdict == "rounding"
    assert len(facts.disagreements) <= 2, facts.disagreements
    (contradiction,) = [c for c in facts.self_contradictions if c.source == 3]
    assert "0.03 percent" in contradiction.claimed and contradiction.computed.startswith("-2.7")


@pytest.fixture(scope="module")
def multinews(multinews_val: Path) -> list[tuple[list[str], dict]]:
    rows = multinews_val.read_text(encoding="utf-8").splitlines()
    ann = json.loads(DATA.read_text(encoding="utf-8"))["clusters"]
    return [(json.loads(rows[c["index"]])["documents"], c) for c in ann]


@pytest.mark.parametrize("ner", BACKENDS)
def test_multinews_clusters_match_hand_annotations(multinews: list, ner: str) -> None:
    people_hits = people_total = quote_hits = quote_total = groups_right = groups_total = 0
    false_disagreements = 0
    report: list[str] = []
    for texts, ann in multinews:
        facts = extract_facts(build_docs(texts), ner=ner)
        recall, missed = people_recall(facts, ann["people"], ann["distinct"])
        people_hits += round(recall * len(ann["people"]))
        people_total += len(ann["people"])
        q_recall, q_missed = quotes_recall(facts, ann["quotes"])
        quote_hits += round(q_recall * len(ann["quotes"]))
        quote_total += len(ann["quotes"])
        right, wrong = figure_groups_right(facts, ann["figures"])
        groups_right += right
        groups_total += len(ann["figures"])
        false_disagreements += len(facts.disagreements)
        for g in ann["figures"]:
            if g.get("verdict") == "agree":
                v = g["values"][0]
                found = group_of(facts, v["source"], amount(v["value"]))
                assert found is None or found.verdict != "conflict", g["what"]
        report += missed + q_missed + wrong
    assert people_hits / people_total >= 0.8, report
    assert quote_hits / quote_total >= 0.8, report
    assert groups_right / groups_total >= 0.8, report
    assert false_disagreements <= 2, report


def _sample_facts() -> Facts:
    value_a = FigureValue("$5 <million>", 5e6, (1,))
    value_b = FigureValue("$9 million", 9e6, (2, 3))
    return Facts(
        people=(Entity("Ann <Lee>", "person", ("Ann <Lee>", "Lee"), (1, 3), 3, "CEO & founder"),),
        figures=(
            FigureGroup(
                1, "cost of the <bridge>", "2016", "USD", (value_a, value_b), (), "conflict", (1, 2, 3)
            ),
        ),
        disagreements=(
            Disagreement(1, "cost of the <bridge>", "2016", (value_a, value_b), "sources disagree"),
        ),
        self_contradictions=(SelfContradiction(2, "s", "3 percent", "50 percent", "6 to 9 is 50 percent"),),
        quotes=(Quote("It <is> done", "Ann <Lee>", (1, 2)),),
    )


def test_markdown_sections_put_disagreements_first_and_cite_sources() -> None:
    md = facts_markdown(_sample_facts())
    assert md.index("## Who") < md.index("## Figures") < md.index("### Disagreements") < md.index("## Quotes")
    assert md.index("### Disagreements") < md.index("### All figures")
    assert "Ann <Lee>, CEO & founder (also: Lee) [1][3]" in md
    assert "$9 million [2][3]" in md and "“It <is> done” — Ann <Lee> [1][2]" in md


def test_html_escapes_every_text() -> None:
    html = facts_html(_sample_facts())
    assert "<Lee>" not in html and "&lt;Lee&gt;" in html and "CEO &amp; founder" in html
    assert "&lt;million&gt;" in html and "<h3>Disagreements</h3>" in html
    assert html.count('href="#source-') == 1 * 2 + 3 + 1 + 2 + 2 + 1  # Who, figures, disagreements, quote


def test_no_documents_give_empty_facts_and_sections() -> None:
    facts = extract_facts([], ner="rules")
    assert facts == Facts(ner="rules")
    assert facts_markdown(facts) == "" and facts_html(facts) == ""


def test_unknown_backend_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="choose one of auto, rules, spacy"):
        extract_facts(build_docs(["Kim said so."]), ner="bert")
