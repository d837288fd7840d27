"""What the page's server answers besides the page: diagnostics, unknown addresses, and who connects.

Diagnostics answer this machine only; an address that is not the page gets the page's own
message, in the room's language, with a link home. Each session's client address is noted as
its connection opens (:func:`client_address`), for the page's limit on sessions per address.

Solara serves the page's module; these change two of its routes when it loads the page
(:func:`guard_routes`). Outside Solara's server (a test, a notebook) they do nothing.
"""

from __future__ import annotations

import html
import os
import sys
from urllib.parse import parse_qs

from barrio.app.labels import LANGUAGES, say

__all__ = [
    "DIAGNOSTIC_ROUTES",
    "KERNEL_ROUTE",
    "LOCAL_CLIENTS",
    "client_address",
    "guard_routes",
    "not_found_page",
]

#: Solara's diagnostic routes: they show the host's CPU, memory and sessions, to this machine only.
DIAGNOSTIC_ROUTES = ("/resourcez",)
LOCAL_CLIENTS = ("127.0.0.1", "::1")
#: Solara's routes that serve the page at any path (and answer 404 with its own English text).
PAGE_ROUTES = ("/{fullpath}", "/{fullpath:path}")
#: Solara's websocket route: a session (a kernel, by its id) starts when its connection opens.
KERNEL_ROUTE = "/jupyter/api/kernels/{kernel_id}/{name}"

#: The client addresses of each kernel id's open connections, latest last. Solara (1.64) does not
#: hand its session-start callbacks the connection, so the address is noted here while the
#: connection is open (Solara creates the session inside it); behind a proxy on this machine,
#: uvicorn has already put the forwarded address in its place. An entry goes with its
#: connection, so connections that never become sessions leave nothing behind.
_CLIENTS: dict[str, list[str]] = {}


def client_address(kernel_id: str) -> str:
    """The address of the latest open connection for ``kernel_id``.

    "" when there is none, or when not under Solara's server.
    """
    open_now = _CLIENTS.get(kernel_id)
    return open_now[-1] if open_now else ""


def _noting_client(app):
    """An ASGI app that notes the connecting client's address under the kernel id it asks for."""

    async def noted(scope, receive, send):
        kernel_id = (scope.get("path_params") or {}).get("kernel_id")
        if not kernel_id:
            await app(scope, receive, send)
            return
        address = (scope.get("client") or ("", 0))[0]
        _CLIENTS.setdefault(kernel_id, []).append(address)
        try:
            await app(scope, receive, send)
        finally:
            open_now = _CLIENTS.get(kernel_id, [])
            if address in open_now:
                open_now.remove(address)
            if not open_now:
                _CLIENTS.pop(kernel_id, None)

    return noted


def _local_only(app):
    """An ASGI app that answers only clients on this machine (404 to others, as if it were not there)."""

    async def guarded(scope, receive, send):
        client = (scope.get("client") or ("", 0))[0]
        if client not in LOCAL_CLIENTS:
            await send({"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await app(scope, receive, send)

    return guarded


def not_found_page(language: str) -> str:
    """The page's own answer to an unknown address: a short message and a link home, in ``language``."""
    lang = language if language in LANGUAGES else "en"
    title, message, home = (html.escape(say(k, lang)) for k in ("title", "not_found", "go_home"))
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head>"
        '<body style="font-family: sans-serif; padding: 24px; max-width: 640px">'
        f'<h1 style="font-size: 22px">{title}</h1><p class="barrio-not-found">{message}</p>'
        f'<p><a class="barrio-home" href="/?lang={lang}">{home}</a></p></body></html>'
    )


def _own_not_found(app, default_language: str):
    """An ASGI app that answers Solara's 404 ("Page not found by Solara router") with the page's own."""

    async def answered(scope, receive, send):
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        replaced = False

        async def send_own(message):
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 404:
                replaced = True
                query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
                body = not_found_page(query.get("lang", [default_language])[-1]).encode()
                headers = [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", b"%d" % len(body)),
                ]
                await send({"type": "http.response.start", "status": 404, "headers": headers})
                await send({"type": "http.response.body", "body": body})
            elif not replaced:
                await send(message)

        await app(scope, receive, send_own)

    return answered


def guard_routes(language_env: str) -> None:
    """Keep diagnostics from the network and answer unknown addresses with the page's own message.

    Also note each session's client address as its connection opens (:func:`client_address`).
    """
    # Only under Solara's server, which has loaded its app before this page; a test or a
    # notebook importing the page must not start loading the server.
    solara_starlette = sys.modules.get("solara.server.starlette")
    if solara_starlette is None:
        return
    for route in solara_starlette.app.router.routes:
        path = getattr(route, "path", None)
        if getattr(route, "barrio_guarded", False):
            continue
        if path in DIAGNOSTIC_ROUTES:
            route.app = _local_only(route.app)
            route.barrio_guarded = True
        elif path in PAGE_ROUTES:
            route.app = _own_not_found(route.app, os.environ.get(language_env, "es"))
            route.barrio_guarded = True
        elif path == KERNEL_ROUTE:
            route.app = _noting_client(route.app)
            route.barrio_guarded = True
