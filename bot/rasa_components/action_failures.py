"""A custom action that fails gives the young person "try again", not silence.

When the action server is down (or a form's validation cannot reach it), Rasa 3.6
logs the exception, drops the action's events and goes on predicting: a form is
predicted again and fails again until the ten-prediction circuit breaker trips,
and the young person sees nothing at all. Here the first failure ends the turn:
the "try again" line (with Childline's number) is sent, and the assistant waits
for the next message with the conversation as it was: an active form keeps its
requested slot and every answer so far, so repeating the answer once the action
server is back carries on where it stopped. Nothing is confirmed that did not
happen: the save action never ran, so nothing said "saved".

Actions that only record something after the reply was given (counting
signposting) fail quietly, as before: the young person already has their answer.
Installed when Rasa imports our components (``__init__``), on Rasa 3.6 only.
"""

from __future__ import annotations

import logging
from typing import Any, List

from rasa.core.actions.action import Action, ActionExecutionRejection
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered

from bot.core.fault_replies import fault_replies
from bot.rasa_components.rasa_version import is_patched_rasa

logger = logging.getLogger(__name__)

# Their failure costs a number on the staff overview, never a reply.
QUIET_FAILURES = frozenset({"action_count_signposting"})


def _recording_failures(action: Action, failures: List[BaseException]) -> Any:
    """``action.run``, noting any exception Rasa is about to swallow."""
    run = action.run

    async def recorded(*args: Any, **kwargs: Any) -> Any:
        try:
            return await run(*args, **kwargs)
        except ActionExecutionRejection:
            raise  # a form declining the message: Rasa's normal flow, not a fault
        except Exception as error:
            failures.append(error)
            raise

    return recorded


def install() -> bool:
    """Wrap Rasa's ``_run_action`` if this is the Rasa it was written for."""
    if not is_patched_rasa("a failed custom action is not answered"):
        return False
    if getattr(MessageProcessor._run_action, "answers_failures", False):
        return True
    original = MessageProcessor._run_action

    async def run_action(
        self: MessageProcessor,
        action: Action,
        tracker: Any,
        output_channel: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        failures: List[BaseException] = []
        if action.name() not in QUIET_FAILURES:
            action.run = _recording_failures(action, failures)  # type: ignore[method-assign]
        keep_predicting = await original(self, action, tracker, output_channel, *args, **kwargs)
        if not failures:
            return keep_predicting
        text = fault_replies().try_again
        logger.error(
            "Action %s failed (%s); the sender was asked to try again.",
            action.name(), type(failures[0]).__name__,
        )  # fmt: skip
        tracker.update(BotUttered(text, metadata={}))
        await output_channel.send_text_message(tracker.sender_id, text)
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        return False

    run_action.answers_failures = True  # type: ignore[attr-defined]
    MessageProcessor._run_action = run_action  # type: ignore[method-assign]
    return True
