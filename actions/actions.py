"""Custom actions: thin adapters that read the tracker and call into :mod:`bot`."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import say
from bot.core.chat_messages import Button, Message
from bot.core.intent_labels import load_wording
from bot.safety.risk_signal import RISK_INTENT

FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_PAYLOAD = "/out_of_scope"
# Doubt about risk is never a question without numbers: it gets soft signposting.
RISK_INTENTS = frozenset({RISK_INTENT, "not_safe_now"})

WORDING = load_wording()


class ActionAskAffirmation(Action):
    """Asks "did you mean…?" in plain English instead of showing an intent name.

    Every such turn ends with the short safety line, because a message the
    assistant did not understand may be one it should have.
    """

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        candidates = [r.get("name") for r in ranking if r.get("name") != FALLBACK_INTENT]
        intent = next((name for name in candidates if WORDING.question_for(name)), None)
        if intent in RISK_INTENTS:
            dispatcher.utter_message(response="utter_crisis_soft")
            return []
        if intent is None:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        buttons = (
            Button(WORDING.confirm_button, f"/{intent}"),
            Button(WORDING.reject_button, OUT_OF_SCOPE_PAYLOAD),
        )
        say(dispatcher, Message(WORDING.question_for(intent), buttons))
        dispatcher.utter_message(response="utter_safety_line")
        return []
