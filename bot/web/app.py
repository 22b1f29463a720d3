"""The web app: the young people's chat page, the embeddable widget, health, and /staff.

The page sets no cookies, loads nothing from third parties, and logs no IP
addresses (aiohttp's access log is off): a young person's visit leaves as little
trace as we can manage. The widget talks only to this app (``POST /chat``, see
``bot.web.chat_gateway``), which passes each message to Rasa at ``RASA_URL``.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Mapping

from aiohttp import web

from bot import settings
from bot.web.chat_gateway import setup_chat_gateway
from bot.web.staff import setup_staff

STATIC_DIR = Path(__file__).parent / "static"


def security_headers() -> dict[str, str]:
    """A strict policy: our own scripts, styles and connections, nothing else."""
    return {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
        ),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }


def chat_page(config: Mapping[str, str]) -> str:
    attrs = {
        "data-title": config["WEB_TITLE"],
        "data-area": config["DEFAULT_AREA"],
        "data-exit-url": config["QUICK_EXIT_URL"],
        "data-target": "chat",
        # The page's heading names the chat (one heading, not two), and the chat fills
        # the window below it (page.css) with the conversation scrolling inside.
        "data-title-id": "chat-title",
        "data-layout": "fill",
    }
    data = " ".join(f'{key}="{html.escape(value, quote=True)}"' for key, value in attrs.items())
    title = html.escape(config["WEB_TITLE"])
    return f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport"
      content="width=device-width, initial-scale=1, interactive-widget=resizes-content">
<title>{title}</title>
<link rel="stylesheet" href="/static/page.css">
</head>
<body>
<main class="page">
<h1 id="chat-title">{title}</h1>
<p class="page-intro">Ask about your council's plan for young people, find support, or tell us
how understood you feel. You don't need to give your name.</p>
<div id="chat" class="page-chat"></div>
</main>
<script src="/widget.js" {data} defer></script>
</body>
</html>
"""


def make_app(env: Mapping[str, str] | None = None) -> web.Application:
    config = {
        name: settings.get(name, env)
        for name in ("WEB_TITLE", "DEFAULT_AREA", "QUICK_EXIT_URL")
    }
    headers = security_headers()
    page = chat_page(config)

    async def index(request: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html", headers=headers)

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"}, headers={"Cache-Control": "no-store"})

    def static_file(path: Path, content_type: str):
        async def handler(request: web.Request) -> web.StreamResponse:
            if not path.exists():
                raise web.HTTPNotFound(text=f"{path.name} is missing: run make setup")
            response = web.FileResponse(path, headers={"Cache-Control": "no-cache"})
            response.content_type = content_type
            response.headers["X-Content-Type-Options"] = "nosniff"
            # Any site may embed the widget with one script tag.
            response.headers["Access-Control-Allow-Origin"] = "*"
            return response

        return handler

    app = web.Application(client_max_size=64 * 1024)
    app.router.add_get("/", index)
    app.router.add_get("/health", health)
    app.router.add_get("/favicon.ico", lambda request: web.Response(status=204))
    app.router.add_get("/widget.js", static_file(STATIC_DIR / "widget.js", "text/javascript"))
    app.router.add_get("/static/widget.css", static_file(STATIC_DIR / "widget.css", "text/css"))
    app.router.add_get("/static/page.css", static_file(STATIC_DIR / "page.css", "text/css"))
    app.router.add_get("/static/staff.css", static_file(STATIC_DIR / "staff.css", "text/css"))
    rasa_url = settings.get("RASA_URL", env) or f"http://127.0.0.1:{settings.get('RASA_PORT', env)}"
    setup_chat_gateway(app, rasa_url)
    app["config"] = json.dumps(config)
    setup_staff(app, env)
    return app


def main() -> None:
    web.run_app(
        make_app(),
        host="0.0.0.0",
        port=int(settings.get("WEB_PORT")),
        access_log=None,  # no IP logging on the young people's page
        print=None,
    )
