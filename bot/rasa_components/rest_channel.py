"""Rasa's REST channel with a doorman: checked input, rate limits, and never silence.

``credentials.yml`` names this class; it keeps Rasa's URL
(``POST /webhooks/rest/webhook``) and reply format. What it adds, each done by
plain code in :mod:`bot.core`:

- the request is read by :func:`bot.core.incoming_messages.read_rest_body`: a
  bad one gets a 400/413 with a sentence saying what to change, and nothing but
  the sender and the words reaches the conversation (no client metadata);
- a conversation or a client address sending faster than a person can type gets
  a 429 with the wait, before the message takes the conversation's lock;
- a turn that fails inside Rasa (the lock store's Redis down, the tracker store's
  database down) answers with the "try again" line and its helpline number, and
  logs one error naming what failed. Rasa's own channel answers ``[]`` (silence to
  a young person) and logs the message text.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.core.fault_replies import fault_replies
from bot.core.incoming_messages import RefusedMessage, read_rest_body
from bot.core.rate_limits import SenderLimits
from bot.rasa_components.conversation_failures import ConversationUnavailable

logger = logging.getLogger(__name__)


def failure_cause(error: BaseException) -> str:
    """Which part failed, in words an operator can act on without the traceback.

    Rasa wraps a Redis error in its own ``LockError``, so the whole chain is read.
    """
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    modules = [type(link).__module__ for link in chain]
    if any(module.startswith("redis") for module in modules):
        return "the lock store (Redis) cannot be reached"
    if any(isinstance(link, ConversationUnavailable) for link in chain) or any(
        module.startswith(("sqlalchemy", "psycopg2", "sqlite3")) for module in modules
    ):
        return "the tracker store's database cannot be reached"
    if any(type(link).__name__ == "LockError" for link in chain):
        return "the conversation's lock could not be taken"
    return "the turn failed"


def one_line(error: BaseException) -> str:
    return " ".join(f"{type(error).__name__}: {error}".split())[:300]


class GuardedRestInput(RestInput):
    """Rasa's REST channel, refusing bad input, limiting senders, answering failures."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self, limits: SenderLimits | None = None) -> None:
        self.limits = limits or SenderLimits.from_settings()
        fault_replies()  # a bad wording file stops start-up, not a turn

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                incoming = read_rest_body(request.body or b"")
            except RefusedMessage as refused:
                return response.json({"error": refused.reason}, status=refused.status)
            address = self.limits.client_address(request.ip, request.headers.get("x-forwarded-for"))
            wait = self.limits.wait_needed(incoming.sender, address)
            if wait:
                reply = [{"recipient_id": incoming.sender, "text": fault_replies().too_fast}]
                return response.json(reply, status=429, headers={"Retry-After": str(wait)})
            collector = CollectingOutputChannel()
            message = UserMessage(
                incoming.text, collector, incoming.sender, input_channel=self.name()
            )
            try:
                await on_new_message(message)
            except Exception as error:  # noqa: BLE001 - every failure gets a reply
                logger.error(
                    "A message could not be handled: %s (%s). The sender was asked to "
                    "try again.",
                    failure_cause(error), one_line(error),
                )  # fmt: skip
                collector.messages.append(
                    {"recipient_id": incoming.sender, "text": fault_replies().try_again}
                )
            if not collector.messages:  # e.g. a typed "/restart": never silence
                collector.messages.append(
                    {"recipient_id": incoming.sender, "text": fault_replies().no_reply}
                )
            return response.json(collector.messages)

        return webhook
