"""Fuzzing (issue 14): generated HTML, JSON lines, WARC records and bytes through the readers, and through
whole briefs and ingests. No input raises, and every input is read, skipped or rejected by name.

A fixed seed (``derandomize``) keeps CI repeatable; ``benchmarks/fuzz_bench.py`` runs thousands more.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_corpus import STORY, warc_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsbrief.briefing.pipeline import brief
from newsbrief.errors import InputError
from newsbrief.inputs.extract import Extractor
from newsbrief.inputs.readers import REJECTED, SKIPPED, ReadOptions, read_inputs
from newsbrief.inputs.warc import iter_warc
from newsbrief.stream.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]
FUZZ = settings(
    derandomize=True, deadline=None, database=None, max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

TAGS = ["<!html>", "<svg >", "<html>", "<body>", "<article>", "</article>", "<p>", "</p>", "<div>", "</div>",
        "<script>", "</script>", "<!--", "-->", "<title>", "</title>", "<meta charset='x'>", "<math>", "<table>",
        "<![CDATA[", "&#0;", "&amp;", "<br/>", "<a href='javascript:'>", "<noscript>", "<template>", "\x00"]
html_pages = st.lists(st.one_of(st.sampled_from(TAGS), st.text(max_size=40), st.just(STORY)), max_size=30).map("".join)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30)),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
records = st.fixed_dictionaries(
    {}, optional={"text": st.one_of(json_values, st.just(STORY)), "title": json_values, "id": json_values,
                  "url": json_values, "published": json_values},
)
json_lines = st.lists(
    st.one_of(records.map(json.dumps), json_values.map(json.dumps), st.text(max_size=50)), min_size=1, max_size=6
)


@pytest.fixture(scope="module")
def extractor() -> Iterator[Extractor]:
    with Extractor() as worker:
        yield worker


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def accounted(result_articles: int, warnings: list[str]) -> int:
    return result_articles + sum(1 for w in warnings if w.startswith((SKIPPED, REJECTED)))


@FUZZ
@given(page=html_pages)
def test_html_pages(page: str, extractor: Extractor, workdir: Path) -> None:
    path = workdir / "page.html"
    path.write_text(page, encoding="utf-8", errors="surrogatepass")
    result = read_inputs([path], ReadOptions(extractor=extractor))
    assert accounted(len(result.articles), result.warnings) == 1, result.warnings


@FUZZ
@given(data=st.binary(max_size=600), ending=st.sampled_from([".txt", ".html", ".jsonl", ".json"]))
def test_bytes_under_any_name(data: bytes, ending: str, extractor: Extractor, workdir: Path) -> None:
    path = workdir / f"file{ending}"
    path.write_bytes(data)
    try:
        result = read_inputs([path], ReadOptions(extractor=extractor))
    except InputError as err:  # a .json holding several clusters asks for --cluster
        assert "cluster" in str(err)
        return
    if ending in (".txt", ".html"):
        assert accounted(len(result.articles), result.warnings) == 1, result.warnings


@FUZZ
@given(lines=json_lines)
def test_json_lines(lines: list[str], extractor: Extractor, workdir: Path) -> None:
    path = workdir / "records.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    try:
        result = read_inputs([path], ReadOptions(extractor=extractor))
    except InputError as err:
        assert "cluster" in str(err)
        return
    for article in result.articles:
        article.text.encode("utf-8")  # lone surrogates never reach the output
        (article.title or "").encode("utf-8")


@FUZZ
@given(cut=st.floats(0, 1), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), max_size=4),
       gz=st.booleans())
def test_damaged_warc(
    cut: float, flips: list[tuple[float, int]], gz: bool, extractor: Extractor, workdir: Path
) -> None:
    data = bytearray(warc_bytes(3, gz=gz))
    for where, mask in flips:
        data[int(where * (len(data) - 1))] ^= mask
    path = workdir / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(bytes(data[: max(1, int(cut * len(data)))]))
    warnings: list[str] = []
    articles = list(iter_warc(path, warnings, ReadOptions(extractor=extractor)))
    assert len(articles) <= 3
    if cut < 0.9 and not flips:
        assert any(w.startswith(REJECTED) for w in warnings), warnings


@settings(FUZZ, max_examples=4)
@given(page=html_pages, lines=json_lines)
def test_whole_brief_and_ingest(page: str, lines: list[str], workdir: Path) -> None:
    folder = workdir / "run"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "examples" / "bridge", folder)
    (folder / "fuzzed.html").write_text(page, encoding="utf-8", errors="surrogatepass")
    (folder / "fuzzed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    try:
        result = brief([folder], words=60, facts=False)
    except InputError as err:
        assert "cluster" in str(err)
    else:
        assert result.sentences
    db = workdir / "fuzz.sqlite"
    report = ingest([folder], db, workers=1)
    assert report.added + report.duplicates + report.unchanged >= 5
