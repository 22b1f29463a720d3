"""The widget's one door to the assistant: ``POST /chat`` here, Rasa's REST channel behind.

Why a gateway, and plain HTTP rather than socket.io or websockets:

- A turn is a request and its replies; the assistant never speaks first, so there
  is nothing to push and no connection worth holding open.
- A request carries everything (the conversation id and the text), so any web app
  process and any Rasa server behind the balancer can take any message: no sticky
  sessions. The conversation lives in the tracker store (PostgreSQL when scaled)
  and Rasa's lock store (Redis) keeps one conversation's messages in order, so a
  Rasa server can die between two messages and the next one carries on elsewhere.
  Rasa's socket.io channel keeps its rooms in one process and needs sticky
  long-polling; Sanic 21.12's websocket upgrade fails in Chromium.
- School and library networks that block websockets pass plain HTTPS.
- The browser talks only to the page's own origin (``connect-src 'self'``).

A message that could not be delivered gets a 503 whose text the widget shows,
with Childline's number, rather than silence. Rasa's REST channel limits how fast
one conversation or one address may send (429, passed on with its wait); the
gateway tells it the browser's address in ``X-Forwarded-For``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import aiohttp
from aiohttp import web

from bot.core.fault_replies import fault_replies
from bot.core.incoming_messages import STORED_CHARACTERS

logger = logging.getLogger(__name__)

# What a store may keep of one message; the widget refuses more rather than cut it.
MAX_MESSAGE_CHARACTERS = STORED_CHARACTERS
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# One retry covers a Rasa server that died mid-turn: it saved nothing, and the
# balancer has already taken it out of rotation when the retry goes.
RETRY_STATUSES = {502, 503, 504}
RETRY_DELAY_SECONDS = 0.3
TURN_TIMEOUT_SECONDS = 30
CORS_HEADERS = {
    # Any site may embed the widget; nothing here uses cookies or credentials.
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "600",
    "Cache-Control": "no-store",
}
CANT_CONNECT = (
    "Sorry, the chat can't reach the assistant right now. Please try again in a moment. "
    "If you need help now, call Childline free on 0800 1111, or 999 in an emergency."
)


class BadRequest(ValueError):
    """A request the gateway refuses, with the reason the widget can show."""


class TooFast(Exception):
    """Rasa asked this sender to slow down; ``wait`` is in seconds."""

    def __init__(self, wait: str) -> None:
        super().__init__(wait)
        self.wait = wait


def forwarded_for(request: web.Request) -> str:
    """The ``X-Forwarded-For`` chain with this request's peer appended, as proxies do."""
    chain = request.headers.get("X-Forwarded-For", "").strip()
    peer = request.remote or ""
    return f"{chain}, {peer}" if chain else peer


def read_turn(body: Any) -> tuple[str, str]:
    """The conversation id and message from a request body, or :class:`BadRequest`."""
    if not isinstance(body, dict):
        raise BadRequest("Send a JSON object with session_id and message.")
    session_id, message = body.get("session_id"), body.get("message")
    if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
        raise BadRequest("session_id must be 8 to 64 letters, digits, - or _.")
    if not isinstance(message, str) or not message.strip():
        raise BadRequest("Please type a message first.")
    if len(message) > MAX_MESSAGE_CHARACTERS:
        raise BadRequest(
            f"That message is too long: please keep it under {MAX_MESSAGE_CHARACTERS:,} characters."
        )
    return session_id, message


def replies(rasa_messages: Any) -> list[dict[str, Any]]:
    """Rasa's REST replies cut down to what the widget shows: text and buttons."""
    shown = []
    for item in rasa_messages if isinstance(rasa_messages, list) else []:
        if not isinstance(item, dict):
            continue
        text = str(item.get("text") or "")
        if item.get("image"):
            text += ("\n" if text else "") + str(item["image"])
        buttons = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in item.get("buttons") or []
            if isinstance(b, dict)
        ]
        if text or buttons:
            shown.append({"text": text, "buttons": buttons})
    return shown


class ChatGateway:
    """Forwards turns to Rasa over one pooled, kept-alive HTTP client."""

    def __init__(self, rasa_url: str) -> None:
        self.webhook = rasa_url.rstrip("/") + "/webhooks/rest/webhook"
        self.client: aiohttp.ClientSession | None = None

    async def open(self, app: web.Application) -> None:
        self.client = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT_SECONDS),
            connector=aiohttp.TCPConnector(limit=200, keepalive_timeout=20),
        )

    async def close(self, app: web.Application) -> None:
        if self.client is not None:
            await self.client.close()

    async def turn(self, session_id: str, message: str, client: str = "") -> list[dict[str, Any]]:
        """Rasa's replies to one message; raises :class:`ConnectionError` if none came.

        ``client`` is the ``X-Forwarded-For`` chain Rasa limits the address by.
        """
        assert self.client is not None, "the gateway is opened on the app's start-up"
        payload = {"sender": session_id, "message": message}
        headers = {"X-Forwarded-For": client} if client else {}
        for attempt in (1, 2):
            try:
                async with self.client.post(
                    self.webhook, json=payload, headers=headers
                ) as response:
                    if response.status == 200:
                        return replies(await response.json(content_type=None))
                    if response.status == 429:
                        raise TooFast(response.headers.get("Retry-After", "5"))
                    if 400 <= response.status < 500:
                        body = await response.json(content_type=None)
                        reason = body.get("error") if isinstance(body, dict) else None
                        raise BadRequest(str(reason or "Rasa refused the message."))
                    problem = f"Rasa answered {response.status}"
                    if response.status not in RETRY_STATUSES:
                        break
            except BadRequest:
                raise  # a ValueError too, but the sender's to change: no retry, no 503
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                problem = f"{type(error).__name__}: {error}"
            if attempt == 1:
                await asyncio.sleep(RETRY_DELAY_SECONDS)
        logger.warning("A message could not be delivered to Rasa (%s).", problem)
        raise ConnectionError(problem)

    async def handle(self, request: web.Request) -> web.Response:
        try:
            session_id, message = read_turn(await request.json())
        except (BadRequest, ValueError, RecursionError) as error:
            reason = str(error) if isinstance(error, BadRequest) else "Send JSON."
            return web.json_response({"error": reason}, status=400, headers=CORS_HEADERS)
        try:
            messages = await self.turn(session_id, message, forwarded_for(request))
        except BadRequest as refused:  # Rasa's channel refused what the gateway let through
            return web.json_response({"error": str(refused)}, status=400, headers=CORS_HEADERS)
        except TooFast as slow_down:
            headers = {**CORS_HEADERS, "Retry-After": slow_down.wait}
            return web.json_response(
                {"error": fault_replies().too_fast}, status=429, headers=headers
            )
        except ConnectionError:
            return web.json_response({"error": CANT_CONNECT}, status=503, headers=CORS_HEADERS)
        return web.json_response({"messages": messages}, headers=CORS_HEADERS)

    async def preflight(self, request: web.Request) -> web.Response:
        return web.Response(status=204, headers=CORS_HEADERS)


def setup_chat_gateway(app: web.Application, rasa_url: str) -> ChatGateway:
    gateway = ChatGateway(rasa_url)
    app.on_startup.append(gateway.open)
    app.on_cleanup.append(gateway.close)
    app.router.add_post("/chat", gateway.handle)
    app.router.add_route("OPTIONS", "/chat", gateway.preflight)
    return gateway
