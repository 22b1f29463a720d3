"""Conversation events as they may be stored: no personal details, no huge pastes.

Rasa keeps every event of a conversation in its tracker store, for 30 days by
default. Young people type their names, phone numbers and addresses into chats;
the conversation needs the words for the turn they arrive in, not afterwards.
So each event is scrubbed by :func:`bot.safety.personal_data.scrub` as it is
stored: the words of user messages (and the entities found in them), the slot
values filled from them, and any metadata, each cut to ``STORED_CHARACTERS``.
The running turn keeps the original text; later turns read the scrubbed one,
which is also what the feedback form shows and stores.

The assistant's own replies are stored as they are: they are our words (the
feedback question quotes the text already scrubbed), and helpline numbers must
not be mistaken for a child's phone number.
"""

from __future__ import annotations

from typing import Any

from bot.core.incoming_messages import stored_text
from bot.safety.personal_data import scrub


def private_text(text: str) -> str:
    """``text`` cut to the stored length and scrubbed of personal details."""
    return scrub(stored_text(text)).text


def _private(value: Any) -> Any:
    if isinstance(value, str):
        return private_text(value)
    if isinstance(value, list):
        return [_private(item) for item in value]
    if isinstance(value, dict):
        return {key: _private(item) for key, item in value.items()}
    return value


def _private_entities(entities: Any, original: str, kept: str) -> Any:
    """Entities whose value was the young person's words that scrubbing took out lose it.

    "Tia" alone looks like nothing to the scrubber; it is personal because the
    message said "my name is Tia". A value that is not in the message at all is
    ours (a slug from a button, a normalised synonym) and stays.
    """
    if not isinstance(entities, list):
        return entities
    original, kept = original.lower(), kept.lower()

    def private_value(value: Any) -> Any:
        if not isinstance(value, str):
            return _private(value)
        needle = value.lower()
        if needle in original and needle not in kept:
            return "[removed]"
        return private_text(value)

    return [
        {**entity, "value": private_value(entity.get("value"))}
        if isinstance(entity, dict)
        else entity
        for entity in entities
    ]


def private_event(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of one serialised Rasa event that is safe to keep."""
    kind = data.get("event")
    if kind == "user":
        kept = dict(data)
        original = kept.get("text") if isinstance(kept.get("text"), str) else ""
        kept["text"] = private_text(original) if original else kept.get("text")
        kept["metadata"] = _private(kept.get("metadata"))
        parse = kept.get("parse_data")
        if isinstance(parse, dict):
            parse = dict(parse)
            if isinstance(parse.get("text"), str):
                parse["text"] = private_text(parse["text"])
            parse["entities"] = _private_entities(
                parse.get("entities"), original, kept["text"] or ""
            )
            if "metadata" in parse:
                parse["metadata"] = _private(parse["metadata"])
            kept["parse_data"] = parse
        return kept
    if kind == "slot":
        return {**data, "value": _private(data.get("value"))}
    if kind == "entities":
        return {**data, "entities": _private(data.get("entities"))}
    return data
