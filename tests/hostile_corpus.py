"""Small files that reproduce each hostile-input finding of issue 14; the tests replay them every run.

``python tests/hostile_corpus.py FOLDER`` writes them to a folder (to try them by hand).
"""

from __future__ import annotations

import sys
import zlib
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

STORY = (
    "Officials in Harbor County opened the new Meridian bridge on Monday after three years of work. "
    "The bridge cost 240 million dollars, the county said. Mayor Linda Ortiz said the crossing would "
    "shorten commutes for thirty thousand residents. Engineers said it can withstand floods. "
)


def page(i: int) -> str:
    """A small news page whose article text trafilatura finds."""
    paragraphs = "".join(f"<p>{STORY} Report {i}, part {j}.</p>" for j in range(3))
    return f"<html><head><title>Bridge report {i}</title></head><body><article>{paragraphs}</article></body></html>"


def warc_bytes(pages: int, *, gz: bool = True) -> bytes:
    """A WARC of ``pages`` HTML responses (one gzip member each when ``gz``)."""
    out = BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for i in range(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://news.example/{i}", "response", payload=BytesIO(page(i).encode()), http_headers=headers
        )
        writer.write_record(record)
    return out.getvalue()


def gzip_bomb(head: bytes, unit: bytes, repeats: int) -> bytes:
    """``head`` then ``unit`` ``repeats`` times, gzip-compressed as it is made (never held expanded)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [compressor.compress(head)]
    parts += [compressor.compress(unit) for _ in range(repeats)]
    parts.append(compressor.flush())
    return b"".join(parts)


WARC_HEAD = b"WARC/1.0\r\nWARC-Type: response\r\n"

CRASHERS: dict[str, bytes] = {
    # Fuzzed HTML: an AssertionError inside lxml's drop_tree through htmldate's clean_html.
    "svg.html": b"<!html><svg >",
    # Gzip bombs named .warc.gz: one huge header block, one endless line, plain zeros.
    "header-bomb.warc.gz": gzip_bomb(WARC_HEAD, b"X-A: b\r\n" * 8192, 16),
    "line-bomb.warc.gz": gzip_bomb(WARC_HEAD + b"X-A: ", b"a" * 65536, 96),
    "zeros-bomb.warc.gz": gzip_bomb(b"", b"\0" * 65536, 96),
    # Found by benchmarks/fuzz_bench.py: a response without a target URI (warcio's AttributeError).
    "no-uri.warc.gz": gzip_bomb(
        WARC_HEAD + b"Content-Type: application/http; msgtype=response\r\nContent-Length: 8\r\n\r\n", b"aaaa\r\n\r\n", 1
    ),
    # JSON lines: deep nesting, lone surrogates, a 5,000-digit id, a field of the wrong type.
    "deep.jsonl": b"[" * 100_000 + b"\n" + b"{" * 50_000 + b"\n",
    "surrogate.jsonl": b'{"title": "Bridge \\ud800 opens", "text": "' + STORY.encode() + b' \\udfff"}\n',
    "long-id.jsonl": b'{"id": ' + b"9" * 5000 + b', "text": "' + STORY.encode() + b'"}\n',
    "documents-5.jsonl": b'{"documents": 5}\n',
    # Text that is not text: UTF-16 without a byte-order mark, a PNG named .txt.
    "utf16.txt": STORY.encode("utf-16-le"),
    "png.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
    # A crawl cut short: 6 pages, cut inside the fifth.
    "cut.warc.gz": b"",
}


def make_corpus(folder: Path) -> list[Path]:
    """Write every crasher into ``folder``; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in CRASHERS.items():
        if name == "cut.warc.gz":
            whole = warc_bytes(6)
            data = whole[: len(whole) * 3 // 4]
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in make_corpus(Path(sys.argv[1])):
        print(path)
