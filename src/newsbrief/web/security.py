"""The app's protections, as ASGI middleware: response headers (a Content-Security-Policy that allows
only the app's own scripts and styles), a cap on request bodies, an access token when the server listens
beyond this machine, and a CSRF token on every state-changing request (double-submit cookie).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "newsbrief_csrf"
TOKEN_COOKIE = "newsbrief_token"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADERS: Mapping[str, str] = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
        " form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    """Adds `HEADERS` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode("latin-1") not in HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuses a request body over ``max_bytes`` with 413: at once when Content-Length says so, else as soon
    as the streamed body passes the limit (nothing is read into memory whole)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _refusal(self) -> Response:
        return PlainTextResponse(
            f"Upload too large: the limit is {self.max_bytes // (1024 * 1024)} MB a request "
            "(use `newsbrief ingest` for bigger files)\n",
            status_code=413,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._refusal()(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if not started:
                await self._refusal()(scope, receive, send)


class AccessToken:
    """When the app listens beyond 127.0.0.1: every request needs the token, given once as ``?token=``
    (then kept in a cookie) or in the cookie."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        given = request.query_params.get("token")
        if given is not None and hmac.compare_digest(given, self.token):
            response = RedirectResponse(str(URL(scope=scope).remove_query_params("token")), status_code=303)
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
            await response(scope, receive, send)
            return
        if not hmac.compare_digest(request.cookies.get(TOKEN_COOKIE, ""), self.token):
            await PlainTextResponse("Access token required: open the address the server printed\n", 401)(
                scope, receive, send
            )
            return
        await self.app(scope, receive, send)


class CsrfCookie:
    """Gives each browser a random CSRF token in a cookie; forms echo it (`csrf_ok`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        existing = Request(scope).cookies.get(CSRF_COOKIE)
        token = existing or secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf"] = token

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and not existing:
                cookie = f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}
            await send(message)

        await self.app(scope, receive, with_cookie)


def csrf_ok(request: Request, given: str | None) -> bool:
    """True when a state-changing request carries the token of its own browser's cookie."""
    cookie = request.cookies.get(CSRF_COOKIE)
    given = given or request.headers.get("x-csrf-token")
    return bool(cookie and given and hmac.compare_digest(cookie, given))
