"""Counts urgent signposting for the staff overview: a number, never the text.

It runs after the signposting has been sent (see ``SafetyPolicy``), so if the
action server or the database is down the young person has already had the
numbers; only the count is lost, and the log says so.

After soft signposting *alongside* the answer (the message kept its own intent), it
also rewinds the two safety steps from the dialogue state, so the message is then
answered as if it had just arrived (see ``SafetyPolicy``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.shared import STORE
from bot.db.sessions import StoreUnavailable
from bot.safety.risk_signal import LEVEL_ENTITY, RISK_ENTITY, RISK_INTENT
from bot.safety.signposting_counts import LEVELS, SignpostingLog

logger = logging.getLogger(__name__)


LOG = SignpostingLog(STORE.sessions)


class ActionCountSignposting(Action):
    log: SignpostingLog = LOG

    def name(self) -> str:
        return "action_count_signposting"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        level = next(tracker.get_latest_entity_values(LEVEL_ENTITY), None)
        if level not in LEVELS:  # signposting from before the levels existed
            level = "full"
        category = next(tracker.get_latest_entity_values(RISK_ENTITY), None)
        try:
            await asyncio.to_thread(self.log.add, category, level)
        except StoreUnavailable:
            logger.warning("Signposting was given but could not be counted (database down)")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent != RISK_INTENT or (level == "soft" and tracker.active_loop.get("name")):
            # Undo this action and the soft line before it, in the dialogue state only:
            # the answer (or the form, which validates only straight after a message)
            # then takes the message as if the line had not come in between.
            return [ActionReverted(), ActionReverted()]
        return []
