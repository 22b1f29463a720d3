"""A dialogue policy that puts urgent signposting ahead of everything else.

Rules alone cannot guarantee this: while a form is active, Rasa's RulePolicy
predicts the form's next step as a "no user" prediction, which outranks every
prediction based on what the user said. So a young person who types "I want to
die" halfway through a feedback form would be asked the form's next question.

This policy makes its own "no user" predictions at a higher priority than
RulePolicy. When the latest message is ``risk_signal`` it predicts the signposting:

- full: it ends any active form (the events travel with the prediction), sends
  ``utter_crisis`` and then "are you safe right now?";
- soft, with nothing else to answer (the intent is ``risk_signal``): outside a
  form, ``utter_crisis_soft`` gives the numbers and asks "are you OK?" with buttons;
  inside a form, ``utter_crisis_soft_inline`` gives the same numbers and the form
  carries on;
- soft *alongside* (the intent model understood something else, and the message
  only carries a ``risk_level`` entity): ``utter_crisis_soft_inline`` gives the
  numbers in one line, then the count action rewinds those two steps from the
  dialogue state (``ActionReverted``; the message was already sent), so the other
  policies and any form answer the message as if it had just arrived. A false
  alarm ("i want to tell you how i feel") costs a line of text, not the answer.

Then the count for the staff overview, then listening (or the form's next step).
Otherwise it abstains.

The count is a custom action and comes last, so the signposting has already been
sent even if the action server is down.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.safety.risk_assessment import SOFT
from bot.safety.risk_signal import LEVEL_ENTITY, RISK_INTENT

SIGNPOST_ACTION = "utter_crisis"
SOFT_SIGNPOST_ACTION = "utter_crisis_soft"
INLINE_SOFT_ACTION = "utter_crisis_soft_inline"
CHECK_SAFE_ACTION = "utter_crisis_check_safe"
COUNT_ACTION = "action_count_signposting"
NEXT_ACTION = {
    SIGNPOST_ACTION: CHECK_SAFE_ACTION,
    CHECK_SAFE_ACTION: COUNT_ACTION,
    SOFT_SIGNPOST_ACTION: COUNT_ACTION,
    INLINE_SOFT_ACTION: COUNT_ACTION,
    COUNT_ACTION: ACTION_LISTEN_NAME,
}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class SafetyPolicy(Policy):
    """Signposting first, on the very turn the risk message arrives."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # RulePolicy's priority is 6; a tie on confidence goes to the higher one.
        return {"priority": 7}

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        # Nothing to learn: the behaviour is fixed by design.
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        next_action, events = next_safety_step(tracker)
        if next_action is None:
            return self._prediction(self._default_predictions(domain))
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(next_action)] = 1.0
        return self._prediction(probabilities, events=events, is_no_user_prediction=True)


def next_safety_step(tracker: DialogueStateTracker) -> tuple[str | None, list]:
    """The action the safety flow needs next, with any events to apply first."""
    latest_action = tracker.latest_action_name
    if latest_action == COUNT_ACTION and tracker.active_loop_name:
        # Inline soft signposting kept the form: it now reads the answer as usual.
        return tracker.active_loop_name, []
    if latest_action in NEXT_ACTION:
        return NEXT_ACTION[latest_action], []
    if latest_action != ACTION_LISTEN_NAME or tracker.latest_message is None:
        return None, []
    levels = [
        entity.get("value")
        for entity in tracker.latest_message.entities
        if entity.get("entity") == LEVEL_ENTITY
    ]
    if tracker.latest_message.intent.get("name") != RISK_INTENT:
        if SOFT in levels and not _soft_line_sent(tracker):
            return INLINE_SOFT_ACTION, []  # alongside the answer to come
        return None, []
    if SOFT in levels:
        if tracker.active_loop_name:
            # Once the line is sent and its steps rewound, the form reads the answer
            # straight after the message, so it validates it like any other.
            return (None, []) if _soft_line_sent(tracker) else (INLINE_SOFT_ACTION, [])
        return SOFT_SIGNPOST_ACTION, []
    events: list = []
    if tracker.active_loop_name:
        events = [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
    return SIGNPOST_ACTION, events


def _soft_line_sent(tracker: DialogueStateTracker) -> bool:
    """Whether this message already had its soft line (the steps were rewound since)."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == INLINE_SOFT_ACTION:
            return True
    return False
