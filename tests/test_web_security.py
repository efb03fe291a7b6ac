"""The web app's protections against a real server on 127.0.0.1: each test fails if its protection goes."""

from __future__ import annotations

import json
import select
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from webserver import Server, newsbrief, serving, wait_for

XSS = "<script>window.__xss=1;alert(1)</script>"
XSS_ATTR = '"><img src=x onerror="window.__xss=1;alert(2)">'
XSS_JSON = "</script><script>window.__xss=1;alert(3)</script>"
BODY = (
    "The harbour council voted on Tuesday to close the old ferry pier for repairs. "
    "Engineers said the work would take about six weeks and cost $2 million. "
    "Residents asked the council for a temporary pier during the repairs. "
)


def _evil_articles() -> list[dict[str, str]]:
    return [
        {
            "id": "xss-1",
            "url": "javascript:window.__xss=1;alert(4)",
            "title": f"Pier closes {XSS}",
            "author": XSS_ATTR,
            "source": f"harbour{XSS_ATTR}.example",
            "published": "2024-03-05",
            "text": BODY + f"A resident wrote {XSS} on a sign. The mayor said {XSS_ATTR} nothing.",
        },
        {
            "id": "xss-2",
            "url": "data:text/html,<script>alert(5)</script>",
            "title": f"Ferry pier to shut {XSS_JSON}",
            "author": "Reporter",
            "source": "coast.example",
            "published": "2024-03-05",
            "text": BODY + f"Officials said {XSS_JSON} the pier would reopen in April.",
        },
    ]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("websec")
    evil = folder / "evil.jsonl"
    evil.write_text("\n".join(json.dumps(a) for a in _evil_articles()) + "\n", encoding="utf-8")
    assert newsbrief("ingest", evil, "--db", folder / "store.sqlite", "-q").returncode == 0
    with serving(folder / "store.sqlite", cwd=folder) as running:
        yield running


def _csrf(client: httpx.Client, url: str) -> str:
    client.get(url)
    return client.cookies["newsbrief_csrf"]


def test_a_foreign_host_header_is_refused(server: Server) -> None:
    assert httpx.get(server.url, headers={"Host": "evil.example"}).status_code == 400
    assert httpx.get(server.url, headers={"Host": "evil.example:80"}).status_code == 400
    assert httpx.get(server.url).status_code == 200


def test_a_post_without_the_csrf_token_is_refused(server: Server) -> None:
    before = newsbrief("stories", "--db", server.db).stdout
    with httpx.Client(base_url=server.url) as client:
        token = _csrf(client, "/")
        story = client.get("/?q=pier").text
        assert "Pier closes" in story
        refused = client.post("/events/merge", data={"event": ["1", "2"]})
        assert refused.status_code == 403
        wrong = client.post("/storylines/merge", data={"storyline": ["1", "2"], "csrf": token[::-1]})
        assert wrong.status_code == 403
        upload = client.post("/upload", data={"lines": json.dumps(_evil_articles()[0])})
        assert upload.status_code == 403
        # another browser's cookie with this browser's token: refused too
        other = httpx.post(
            server.url + "events/merge", data={"event": ["1", "2"], "csrf": token},
            cookies={"newsbrief_csrf": "someone-else"},
        )
        assert other.status_code == 403
    assert newsbrief("stories", "--db", server.db).stdout == before  # nothing was merged


def test_every_response_carries_a_strict_content_security_policy(server: Server) -> None:
    for path in ("/", "/storyline/1", "/event/1", "/article/1", "/upload", "/nope"):
        policy = httpx.get(server.url.rstrip("/") + path).headers["content-security-policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "default-src 'none'" in policy


def _post_gigabyte(server: Server, token: str, *, chunked: bool) -> tuple[str, int]:
    """POST a 1 GiB upload over a raw socket, reading the answer as soon as there is one: (status line,
    bytes sent)."""
    host, port = server.url.split("//")[1].rstrip("/").split(":")
    head = b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.jsonl"\r\n\r\n'
    framing = b"Transfer-Encoding: chunked" if chunked else b"Content-Length: %d" % (1 << 30)
    chunk = b"x" * (1 << 20)
    sent = 0
    with socket.create_connection((host, int(port)), timeout=60) as conn:
        conn.sendall(
            b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            + b"Cookie: newsbrief_csrf=" + token.encode() + b"\r\nX-CSRF-Token: " + token.encode() + b"\r\n"
            + framing + b"\r\n\r\n"
        )
        for n in range(1025):
            if select.select([conn], [], [], 0)[0]:
                break
            data = head if n == 0 else chunk
            try:
                conn.sendall(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(data)
        answer = conn.recv(4096).decode("latin-1")
    return answer.split("\r\n")[0], sent


def test_a_1_gb_upload_is_refused_with_413_and_memory_stays_bounded(server: Server) -> None:
    with httpx.Client(base_url=server.url) as client:
        token = _csrf(client, "/upload")
    before = server.peak_rss_mb()
    status, sent = _post_gigabyte(server, token, chunked=False)
    assert status == "HTTP/1.1 413 Request Entity Too Large", status
    assert sent < 1 << 30
    status, sent = _post_gigabyte(server, token, chunked=True)
    assert status == "HTTP/1.1 413 Request Entity Too Large", status
    assert sent < 1 << 30, "the server read the whole gigabyte before refusing it"
    after = server.peak_rss_mb()
    assert after - before < 100, f"server memory grew from {before:.0f} MB to {after:.0f} MB"
    assert httpx.get(server.url).status_code == 200


def test_an_uploaded_file_name_is_never_a_path(server: Server, tmp_path: Path) -> None:
    line = json.dumps({"url": "https://example.org/lighthouse", "title": "Lighthouse keeper retires",
                       "source": "coast.example", "published": "2024-04-01",
                       "text": "The last lighthouse keeper of the bay retired on Monday after forty years. "
                               "He said the light would now be run from the mainland. Visitors will still be able to "
                               "climb the tower on summer weekends, the maritime trust said. The keeper plans to "
                               "write a book about the storms he has seen and the ships he guided into the bay."})
    with httpx.Client(base_url=server.url) as client:
        token = _csrf(client, "/upload")
        response = client.post(
            "/upload",
            data={"csrf": token},
            files={"files": ("../../etc/x", line.encode(), "application/octet-stream")},
            headers={"accept": "application/json"},
        )
        assert response.status_code == 202
        job = wait_for(lambda: (j := client.get(f"/api/jobs/{response.json()['id']}").json())["state"] == "done" and j)
    assert job["added"] == 1
    found = httpx.get(server.url, params={"q": "lighthouse"}).text
    assert "Lighthouse keeper retires" in found and "../../etc/x" not in found
    cwd = server.db.parent
    for place in (cwd.parent.parent / "etc" / "x", Path("/tmp/etc/x"), Path("/etc/x")):
        assert not place.exists(), place
    assert sorted(p.name for p in cwd.iterdir() if not p.name.startswith("store.sqlite")) == ["evil.jsonl"]


def test_hostile_text_runs_nothing_in_chromium(server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    stories = httpx.get(server.url, params={"q": "pier"}).text
    paths = ["/", "/?q=pier", "/storyline/1", "/event/1", "/event/2", "/article/1", "/article/2", "/upload"]
    assert "/event/1" in stories
    for path in paths:
        page.goto(server.url.rstrip("/") + path)
        page.wait_for_load_state("load")
        for link in page.locator("a[href]").all():
            href = (link.get_attribute("href") or "").strip().lower()
            assert not href.startswith(("javascript:", "data:")), (path, href)
        for citation in page.locator(".cite > a").all():
            citation.hover()
        assert page.evaluate("window.__xss") is None, path
    page.goto(server.url.rstrip("/") + "/article/1")
    assert XSS in page.locator("h1").inner_text()  # shown as text, not run
    assert XSS_ATTR in page.locator("dl.facts").inner_text()
    page.goto(server.url.rstrip("/") + "/event/1")
    text = page.locator("main").inner_text()
    assert XSS in text or XSS_JSON in text
    page.close()
    assert dialogs == []


def test_beyond_127_0_0_1_every_request_needs_the_printed_token(tmp_path: Path) -> None:
    with serving(tmp_path / "store.sqlite", tmp_path, "--host", "127.0.0.2") as remote:
        address, _, token = remote.url.partition("?token=")
        assert address.startswith("http://127.0.0.2:") and len(token) >= 20
        headers = {"Host": "127.0.0.2"}
        assert httpx.get(address, headers=headers).status_code == 401
        assert httpx.get(address, params={"token": "wrong"}, headers=headers).status_code == 401
        with httpx.Client(headers=headers) as client:
            opened = client.get(remote.url)
            assert opened.status_code == 303 and "token" not in opened.headers["location"]
            assert client.get(address).status_code == 200


def test_the_upload_reads_warc_html_and_text_and_names_what_it_rejects(server: Server, tmp_path: Path) -> None:
    from test_warc import _warc

    warc = _warc(tmp_path / "crawl.warc.gz", gz=True)
    story = (
        "Volunteers planted two thousand oak trees along the river on Saturday. "
        "The town council said the new forest would protect the banks from floods. "
        "Children from the local schools helped to water the young trees. "
        "The council plans to plant another thousand trees next spring along the northern shore."
    )
    page = f"<html><head><title>Orchard reopens</title></head><body><article><p>{story.replace('oak', 'apple')}"
    page += " The old orchard on the hill reopened to visitors after years of neglect.</p></article></body></html>"
    with httpx.Client(base_url=server.url) as client:
        token = _csrf(client, "/upload")
        response = client.post(
            "/upload",
            data={"csrf": token},
            files=[
                ("files", ("crawl.warc.gz", warc.read_bytes(), "application/gzip")),
                ("files", ("trees.txt", ("Oak trees planted by the river\n\n" + story).encode(), "text/plain")),
                ("files", ("orchard.html", page.encode(), "text/html")),
                ("files", ("scan.pdf", b"%PDF-1.4 not an article", "application/pdf")),
            ],
            headers={"accept": "application/json"},
        )
        assert response.status_code == 202
        job = wait_for(lambda: (j := client.get(f"/api/jobs/{response.json()['id']}").json())["state"] == "done" and j)
    assert job["added"] + job["duplicates"] == 3, job
    assert any("scan.pdf" in e and "not a supported file type" in e for e in job["examples"]), job
    assert all("upload-" not in e for e in job["examples"])  # the user's names, not the app's
    assert "Harbor bridge opens" in httpx.get(server.url, params={"q": "harbor bridge"}).text
