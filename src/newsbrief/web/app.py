"""The web app: each page is a thin view over a library call of `newsbrief.stream` or `newsbrief.briefing`.

`create_app` builds the Starlette app for one store; `serve` runs it with uvicorn on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import sys
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from newsbrief.briefing.clean import clean_article
from newsbrief.briefing.render import RENDERERS, event_labels
from newsbrief.errors import InputError
from newsbrief.stream import browse, catalog
from newsbrief.stream.brief_cache import SHORT, EventBriefs
from newsbrief.stream.store import Store
from newsbrief.web.charts import EventSpan, event_axis, per_day_chart
from newsbrief.web.jobs import Uploads
from newsbrief.web.security import CSRF_FIELD, AccessToken, BodyLimit, CsrfCookie, SecurityHeaders, csrf_ok

HERE = Path(__file__).parent
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_PASTE_BYTES = 16 * 1024 * 1024
SHORT_BRIEFS = 12
"""A storyline page shows the short briefs of its latest events, up to this many."""
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
DOWNLOADS = {"md": "text/markdown", "json": "application/json", "html": "text/html"}


@dataclass(frozen=True)
class AppSettings:
    db: Path
    hosts: tuple[str, ...] = LOOPBACK
    token: str | None = None
    """Required from every request when set (the server listens beyond 127.0.0.1)."""
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    prebrief: bool = True
    """Brief the most active events in the background whenever the store changes (`EventBriefs.keep_current`)."""


def web_link(url: str | None) -> str | None:
    """``url`` when it is an http(s) address fit to be a link; None for ``javascript:``, ``data:`` and the rest."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters["web_link"] = web_link
    return env


def create_app(settings: AppSettings) -> Starlette:
    """The app over the store at ``settings.db`` (created empty if missing).

    Pages are plain functions, which Starlette runs in its thread pool: a brief being made does not hold
    up the other requests (the progress polls, another tab).
    """
    Store(settings.db).close()
    env = _environment()
    uploads = Uploads(settings.db)
    briefs = EventBriefs(settings.db)
    notes: dict[str, str] = {}
    db = settings.db

    def page(request: Request, template: str, code: int = 200, **context: Any) -> Response:
        token = request.state.csrf
        body = env.get_template(template).render(
            request=request,
            csrf=token,
            csrf_field=CSRF_FIELD,
            note=notes.pop(token, None),
            state=browse.store_state(db),
            **context,
        )
        return Response(body, code, media_type="text/html; charset=utf-8")

    async def form(request: Request) -> dict[str, Any]:
        data = await request.form()
        if not csrf_ok(request, str(data.get(CSRF_FIELD) or "")):
            raise HTTPException(403, "This form has expired or came from another site: reload the page and try again")
        return {key: data.getlist(key) for key in data}

    def ids(values: list[Any]) -> list[int]:
        out = []
        for value in values:
            for part in str(value).replace(",", " ").split():
                if not part.isdigit():
                    raise InputError(f"{part!r} is not an id (ids are whole numbers)")
                out.append(int(part))
        return out

    def storylines(request: Request) -> Response:
        q = request.query_params
        query, since, until = q.get("q", ""), q.get("since", ""), q.get("until", "")
        number = int(q["page"]) if q.get("page", "").isdigit() and int(q["page"]) > 0 else 1
        lines = browse.find_storylines(
            db, query=query, since=since or None, until=until or None, offset=(number - 1) * browse.PAGE_SIZE
        )
        charts = {line.id: per_day_chart(line.daily) for line in lines}
        more = len(lines) == browse.PAGE_SIZE
        return page(
            request,
            "storylines.html",
            lines=lines,
            charts=charts,
            query=query,
            since=since,
            until=until,
            number=number,
            more=more,
        )

    def storyline(request: Request) -> Response:
        line_id = int(request.path_params["id"])
        line = catalog.get_storyline(db, line_id)
        if line.id != line_id:
            return RedirectResponse(f"/storyline/{line.id}", 303)
        spans = [EventSpan(e.first_date, e.last_date, f"{e.title} ({e.first_date or 'undated'})") for e in line.events]
        short = {e.id: briefs.get(e.id, SHORT).brief for e in line.events[-SHORT_BRIEFS:]}
        return page(
            request,
            "storyline.html",
            line=line,
            short=short,
            axis=event_axis(spans),
            chart=per_day_chart(line.daily, width=320, height=60),
        )

    def event(request: Request) -> Response:
        event_id = int(request.path_params["id"])
        detail = catalog.get_event(db, event_id)
        if detail.event.id != event_id:
            return RedirectResponse(f"/event/{detail.event.id}", 303)
        cited = briefs.get(event_id)
        return page(
            request,
            "event.html",
            detail=detail,
            event=detail.event,
            cited=cited,
            brief=cited.brief,
            labels=event_labels(cited.brief),
        )

    def download(request: Request) -> Response:
        event_id, fmt = int(request.path_params["id"]), request.path_params["fmt"]
        if fmt not in DOWNLOADS:
            raise HTTPException(404, f"no {fmt!r} download; there are {', '.join(DOWNLOADS)}")
        brief = briefs.get(event_id).brief
        return Response(
            RENDERERS[fmt](brief),
            media_type=f"{DOWNLOADS[fmt]}; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="event-{event_id}.{fmt}"'},
        )

    def article(request: Request) -> Response:
        stored = browse.stored_article(db, int(request.path_params["id"]))
        doc = clean_article(stored.article)
        cited: set[tuple[int, int]] = set()
        if stored.event_id is not None and stored.copy_of is None:
            cited = briefs.get(stored.event_id).cited_spans(str(stored.id))
        pieces: list[tuple[str, str, int]] = []
        at = 0
        for s in doc.sentences:
            pieces.append(("text", doc.text[at : s.start], 0))
            pieces.append(("cited" if (s.start, s.end) in cited else "sentence", doc.text[s.start : s.end], s.start))
            at = s.end
        pieces.append(("text", doc.text[at:], 0))
        return page(request, "article.html", stored=stored, doc=doc, pieces=pieces, cited=len(cited))

    def correction(kind: str) -> Any:
        """A POST that applies one of the CLI's corrections and goes back to the page it changed."""

        async def apply(request: Request) -> Response:
            data = await form(request)
            if kind == "merge-events":
                chosen = ids(data.get("event", []) + data.get("ids", []))
                done, back = catalog.merge_events(db, chosen), f"/event/{chosen[0]}"
            elif kind == "split-event":
                event_id, moving = ids(data.get("event", [])), ids(data.get("article", []))
                if len(event_id) != 1 or not moving:
                    raise InputError("tick the articles to move into a new event")
                done, back = catalog.split_event(db, event_id[0], moving), f"/event/{event_id[0]}"
            elif kind == "move-event":
                event_id, line = ids(data.get("event", [])), ids(data.get("storyline", []))
                if len(event_id) != 1 or len(line) != 1:
                    raise InputError("give the storyline to move this event into")
                done, back = catalog.move_event(db, event_id[0], line[0]), f"/event/{event_id[0]}"
            elif kind == "merge-storylines":
                chosen = ids(data.get("storyline", []) + data.get("ids", []))
                done, back = catalog.merge_storylines(db, chosen), f"/storyline/{chosen[0]}" if chosen else "/"
            else:
                line, moving = ids(data.get("storyline", [])), ids(data.get("event", []))
                if len(line) != 1 or not moving:
                    raise InputError("tick the events to move into a new storyline")
                done, back = catalog.split_storyline(db, line[0], moving), f"/storyline/{line[0]}"
            notes[request.state.csrf] = done
            return RedirectResponse(back, 303)

        return apply

    def upload_form(request: Request) -> Response:
        return page(request, "upload.html", limit_mb=settings.max_upload_bytes // (1024 * 1024))

    async def upload(request: Request) -> Response:
        # Files are spooled to disk by the parser; a pasted field is held in memory, so it has its own cap.
        async with request.form(max_files=100, max_fields=10, max_part_size=MAX_PASTE_BYTES) as data:
            if not csrf_ok(request, str(data.get(CSRF_FIELD) or "")):
                raise HTTPException(403, "This form has expired or came from another site: reload the page")
            files = [(f.filename, f.file) for f in data.getlist("files") if isinstance(f, UploadFile) and f.filename]
            pasted = str(data.get("lines") or "")
            if not files and not pasted.strip():
                raise InputError("choose files or paste JSON lines to add")
            job = await run_in_threadpool(uploads.start, files, pasted)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(job.as_dict(), 202)
        return RedirectResponse(f"/upload/{job.id}", 303)

    def _job(request: Request) -> Any:
        job = uploads.jobs.get(request.path_params["job"])
        if job is None:
            raise HTTPException(404, "no such upload (uploads are forgotten when the server restarts)")
        return job

    def job_page(request: Request) -> Response:
        return page(request, "job.html", job=_job(request).as_dict())

    def job_json(request: Request) -> Response:
        return JSONResponse(_job(request).as_dict())

    def state(request: Request) -> Response:
        return JSONResponse({"state": browse.store_state(db), "briefed": briefs.current.is_set()})

    async def refused(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 400
        message = exc.detail if isinstance(exc, HTTPException) else str(exc)
        if isinstance(exc, InputError) and message.startswith("no "):
            status = 404
        if request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"error": message}, status)
        if not hasattr(request.state, "csrf"):
            return PlainTextResponse(message + "\n", status)
        return page(request, "error.html", status, message=message, status=status)

    routes = [
        Route("/", storylines),
        Route("/storyline/{id:int}", storyline),
        Route("/event/{id:int}", event),
        Route("/event/{id:int}/brief.{fmt}", download),
        Route("/article/{id:int}", article),
        Route("/events/merge", correction("merge-events"), methods=["POST"]),
        Route("/events/split", correction("split-event"), methods=["POST"]),
        Route("/events/move", correction("move-event"), methods=["POST"]),
        Route("/storylines/merge", correction("merge-storylines"), methods=["POST"]),
        Route("/storylines/split", correction("split-storyline"), methods=["POST"]),
        Route("/upload", upload_form),
        Route("/upload", upload, methods=["POST"]),
        Route("/upload/{job}", job_page),
        Route("/api/jobs/{job}", job_json),
        Route("/api/state", state),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.hosts)),
        Middleware(BodyLimit, max_bytes=settings.max_upload_bytes),
    ]
    if settings.token:
        middleware.append(Middleware(AccessToken, token=settings.token))
    middleware.append(Middleware(CsrfCookie))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = threading.Event()
        if settings.prebrief:
            threading.Thread(target=briefs.keep_current, args=(stop,), name="prebrief", daemon=True).start()
        try:
            yield
        finally:
            stop.set()

    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: refused, InputError: refused},
        lifespan=lifespan,
    )


def serve(db: Path, *, host: str = "127.0.0.1", port: int = 8765, prebrief: bool = True) -> None:
    """Run the app until interrupted; beyond 127.0.0.1 it asks for a token, printed in its address."""
    local = host in LOOPBACK
    token = None if local else secrets.token_urlsafe(24)
    hosts = LOOPBACK if local else (*LOOPBACK, host)
    app = create_app(AppSettings(db=db, hosts=hosts, token=token, prebrief=prebrief))
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)  # connections wait in the backlog until uvicorn accepts them
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{bound}/" + (f"?token={token}" if token else "")
    print(f"newsbrief serving {db} at {address} (Ctrl-C stops)", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
