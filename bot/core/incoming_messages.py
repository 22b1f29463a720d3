"""What a message sent to the assistant may look like, checked before Rasa sees it.

Rasa's REST channel takes whatever JSON arrives: a number as the sender, a list
as the message, a 5 MB paste, and any ``metadata`` the client cares to add, which
is then stored with the conversation and passed to every action. Here a request
either becomes a clean :class:`IncomingMessage` or a :class:`RefusedMessage` with
the HTTP status and a sentence saying what to change.

Lengths: the whole of a message up to ``MAX_MESSAGE_CHARACTERS`` is read in its
turn (the safety net must see all of a long, upset message); only the first
``STORED_CHARACTERS`` are ever stored (see ``ConversationStore``). The web app's
widget already refuses messages over ``STORED_CHARACTERS``.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from bot.core.fault_replies import fault_replies

STORED_CHARACTERS = 5_000
MAX_MESSAGE_CHARACTERS = 50_000
MAX_SENDER_CHARACTERS = 128
# A body can hold at most this many bytes: JSON may escape a character as
# "\\ud83d\\ude00" (12 bytes for one emoji), plus the rest of the JSON.
MAX_BODY_BYTES = MAX_MESSAGE_CHARACTERS * 12 + 4_096


@dataclass(frozen=True)
class IncomingMessage:
    sender: str
    text: str


class RefusedMessage(ValueError):
    """A request refused before it reaches the assistant: ``status`` and a reason to show."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") for char in text)


def _without_lone_surrogates(text: str) -> str:
    """JSON may carry "\\ud800" alone: not a character, and it crashes spaCy. Shown as \ufffd."""
    return "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in text)


def read_rest_body(body: bytes) -> IncomingMessage:
    """The sender and text of a REST channel request, or :class:`RefusedMessage`.

    Unknown fields (``metadata``, ``customData``, ``input_channel``...) are dropped:
    nothing from the client reaches the conversation but its words.
    """
    replies = fault_replies()
    if len(body) > MAX_BODY_BYTES:
        raise RefusedMessage(413, replies.too_long(MAX_MESSAGE_CHARACTERS))
    try:
        data: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RefusedMessage(400, replies.bad_request) from None
    if not isinstance(data, dict):
        raise RefusedMessage(400, replies.bad_request)
    sender, text = data.get("sender"), data.get("message")
    if not isinstance(sender, str) or not sender.strip():
        raise RefusedMessage(400, 'Say who is sending: "sender" must be some text.')
    if len(sender) > MAX_SENDER_CHARACTERS or _has_control_characters(sender):
        raise RefusedMessage(
            400,
            f'"sender" must be at most {MAX_SENDER_CHARACTERS} characters, '
            "with no control characters.",
        )
    if not isinstance(text, str):
        raise RefusedMessage(400, replies.bad_request)
    if len(text) > MAX_MESSAGE_CHARACTERS:
        raise RefusedMessage(413, replies.too_long(MAX_MESSAGE_CHARACTERS))
    return IncomingMessage(sender=sender, text=_without_lone_surrogates(text))


def stored_text(text: str) -> str:
    """At most ``STORED_CHARACTERS`` of ``text``: what a store may keep of a message."""
    return text[:STORED_CHARACTERS]
