"""A conversation that cannot be read or written fails its turn; it never starts afresh.

Rasa 3.6 wraps every tracker store in ``FailSafeTrackerStore``: when the database
cannot be read it hands the turn an empty conversation, and when it cannot be
written it keeps the turn in memory, where no later turn looks. A young person
half-way through the feedback form, when PostgreSQL restarts, was answered as if
they had just arrived ("Is there anything else I can help with?"), and with
several servers the forgotten form could stay forgotten. Here both raise
:class:`ConversationUnavailable`: the REST channel answers "try again" (with
Childline's number) and logs which part failed, and the conversation is exactly
as it was when the database is back.

Installed when Rasa imports our components (``__init__``), on Rasa 3.6 only.
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import FailSafeTrackerStore

from bot.rasa_components.rasa_version import is_patched_rasa


class ConversationUnavailable(RuntimeError):
    """The tracker store could not read or write a conversation."""


def _refuse_retrieve_error(self: FailSafeTrackerStore, error: Exception) -> None:
    raise ConversationUnavailable(f"the conversation could not be read: {error}") from error


async def _save_or_fail(self: FailSafeTrackerStore, tracker: Any) -> None:
    try:
        await self._tracker_store.save(tracker)
    except Exception as error:
        raise ConversationUnavailable(f"the conversation could not be saved: {error}") from error


def install() -> bool:
    """Make Rasa's fail-safe store fail the turn, if this is the Rasa it was written for."""
    if not is_patched_rasa("an unreadable conversation starts afresh"):
        return False
    FailSafeTrackerStore.on_tracker_store_retrieve_error = _refuse_retrieve_error
    FailSafeTrackerStore.save = _save_or_fail
    return True
