"""The local web app over a store (``pip install 'newsbrief[web]'``; `newsbrief serve`)."""

from __future__ import annotations

from newsbrief.errors import MissingExtraError

try:
    from newsbrief.web.app import AppSettings, create_app, serve
except ImportError as err:  # starlette, uvicorn, jinja2 or python-multipart missing
    raise MissingExtraError(err.name or "the web app's libraries", "web") from None

__all__ = ["AppSettings", "create_app", "serve"]
