"""The feedback form's actions: thin adapters over :mod:`bot.feedback.flow` and the store."""

from __future__ import annotations

import logging
from abc import ABC
from typing import Any, Callable, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.shared import AREAS, FEEDBACK_FLOW, NLP, SAFETY_NET, STORE, AskQuestion, say
from bot.core.answers import Answer
from bot.core.chat_messages import Button, Message
from bot.core.mid_sentence import in_template
from bot.db.sessions import StoreUnavailable
from bot.feedback.flow import HELPER_SLOTS, SLOTS, STOPPED, build_record, pending_feedback
from bot.feedback.impact_classifier import ensure_classifier
from bot.feedback.store import FeedbackStore
from bot.staff.you_said_we_did import WeDidBoard, WeDidTeller

logger = logging.getLogger(__name__)

# Loaded once when the action server starts: no request pays for loading models.
FLOW = FEEDBACK_FLOW
CLASSIFIER = ensure_classifier(NLP)
# What this conversation's last saved feedback was about, for "what happened to it?".
LAST_IMPACT_SLOT = "last_feedback_impact"
LAST_AREA_SLOT = "last_feedback_area"


def teller(store: FeedbackStore) -> WeDidTeller:
    """The "you said, we did" words, reading updates from ``store``'s database."""
    return WeDidTeller(WeDidBoard(store.sessions, AREAS), FLOW.wording.we_did, FLOW.wording.impacts)


def forget_feedback() -> List[Dict[str, Any]]:
    return [SlotSet(slot, None) for slot in (*SLOTS, *HELPER_SLOTS)]


def this_turns_answer(slot_value: Any, tracker: Tracker) -> Answer:
    """The latest message if it is what filled the slot; else the prefilled value."""
    answer = Answer.from_message(tracker.latest_message)
    if answer.text != str(slot_value).strip():
        return Answer(text=str(slot_value))
    return answer


def optional_step(slot: str, read: Callable[[Answer], str | None]) -> Callable:
    """A ``validate_<slot>`` method for a step whose answer ``read`` interprets."""

    async def validate(
        self: FormValidationAction,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        value = read(this_turns_answer(slot_value, tracker))
        if value is None:
            dispatcher.utter_message(text=FLOW.retry(slot))
        return {slot: value}

    return validate


class ActionStartFeedback(Action):
    """Before the form: a first message that already says how they feel is the feedback.

    The form then validates it like any answer (suggesting an impact) and asks
    "is this about...?" next, instead of "tell me in your own words".
    """

    def name(self) -> str:
        return "action_start_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        text = FLOW.opening_text(Answer.from_message(tracker.latest_message))
        return [SlotSet("feedback_text", text)] if text else []


class ValidateFeedbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_feedback_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        # The free-text step takes every intent (see domain.yml), so it decides here
        # whether "stop" means stop. Ending the form (requested_slot None) with the
        # STOPPED mark lets action_save_feedback say so, whatever the intent was.
        if tracker.get_slot("requested_slot") == "feedback_text":
            answer = Answer.from_message(tracker.latest_message)
            if FLOW.is_leaving(answer):
                return [
                    SlotSet("feedback_text", None),
                    SlotSet("feedback_consent", STOPPED),
                    SlotSet("requested_slot", None),
                ]
        return await super().run(dispatcher, tracker, domain)

    async def validate_feedback_text(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        text = FLOW.read_text(this_turns_answer(slot_value or "", tracker))
        if text is None:
            dispatcher.utter_message(text=FLOW.retry("feedback_text"))
            return {"feedback_text": None}
        suggestion = CLASSIFIER.suggest(text)
        return {
            "feedback_text": text,
            "feedback_suggestion": suggestion.slug,
            "feedback_confidence": suggestion.confidence,
        }

    async def validate_feedback_impact(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        chosen = FLOW.read_impact(
            this_turns_answer(slot_value, tracker), tracker.get_slot("feedback_suggestion")
        )
        if chosen is None:
            dispatcher.utter_message(text=FLOW.retry("feedback_impact"))
            return {"feedback_impact": None}
        slug, how = chosen
        return {"feedback_impact": slug, "feedback_impact_choice": how}

    # Optional steps: read the answer, or say what is expected and ask again.
    validate_feedback_rating = optional_step("feedback_rating", FLOW.read_rating)
    validate_feedback_age_band = optional_step("feedback_age_band", FLOW.read_age_band)
    validate_feedback_area = optional_step("feedback_area", FLOW.read_area)

    async def validate_feedback_consent(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        consent = FLOW.read_consent(this_turns_answer(slot_value, tracker))
        if consent == "change":  # back to the impact question; the form asks it next
            return {"feedback_consent": None, "feedback_impact": None}
        if consent is None:
            dispatcher.utter_message(text=FLOW.retry("feedback_consent"))
        return {"feedback_consent": consent}


class AskFeedbackQuestion(AskQuestion, ABC):
    def question(self, tracker: Tracker) -> Message:
        return FLOW.question(self.slot, tracker.slots)


class AskFeedbackText(AskFeedbackQuestion):
    slot = "feedback_text"


class AskFeedbackImpact(AskFeedbackQuestion):
    slot = "feedback_impact"


class AskFeedbackRating(AskFeedbackQuestion):
    slot = "feedback_rating"


class AskFeedbackAgeBand(AskFeedbackQuestion):
    slot = "feedback_age_band"


class AskFeedbackArea(AskFeedbackQuestion):
    slot = "feedback_area"


class AskFeedbackConsent(AskFeedbackQuestion):
    slot = "feedback_consent"


class ActionSaveFeedback(Action):
    """Saves after consent; says "saved" only after the commit succeeded."""

    store: FeedbackStore = STORE

    def name(self) -> str:
        return "action_save_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        replies = FLOW.wording.replies
        slots = tracker.slots
        if slots.get("feedback_consent") == STOPPED:
            dispatcher.utter_message(text=replies["stopped"])
            return forget_feedback()
        if not slots.get("feedback_text") or not slots.get("feedback_impact"):
            say(
                dispatcher,
                Message(
                    replies["nothing_to_save"],
                    (Button(FLOW.wording.buttons["give_feedback"], "/give_feedback"),),
                ),
            )
            return []
        if slots.get("feedback_consent") != "yes":
            dispatcher.utter_message(text=replies["not_saved_consent"])
            return forget_feedback()
        record = build_record(tracker.sender_id, slots, tracker.events, SAFETY_NET.signals_risk)
        try:
            outcome = self.store.save(record)
        except StoreUnavailable:
            buttons = FLOW.wording.buttons
            say(
                dispatcher,
                Message(
                    replies["save_failed"],
                    (
                        Button(buttons["try_again"], "/try_again"),
                        Button(buttons["no_thanks"], "/stop"),
                    ),
                ),
            )
            return []  # keep the answers, so "try again" needs nothing retyped
        key = "saved" if outcome.created else "already_saved"
        impact = in_template(replies[key], "impact", FLOW.wording.impact_label(record.impact))
        dispatcher.utter_message(text=replies[key].format(impact=impact))
        for text in teller(self.store).after_saving(record.impact, record.area):
            dispatcher.utter_message(text=text)
        say(dispatcher, FLOW.whats_next())
        return [
            *forget_feedback(),
            SlotSet(LAST_IMPACT_SLOT, record.impact),
            SlotSet(LAST_AREA_SLOT, record.area),
        ]


class ActionFeedbackOutcome(Action):
    """ "What happened to my feedback?": the latest "you said, we did" updates."""

    store: FeedbackStore = STORE

    def name(self) -> str:
        return "action_feedback_outcome"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        area = tracker.get_slot(LAST_AREA_SLOT) or tracker.get_slot("area")
        texts = teller(self.store).on_request(tracker.get_slot(LAST_IMPACT_SLOT), area)
        for text in texts[:-1]:
            dispatcher.utter_message(text=text)
        buttons = FLOW.wording.buttons
        say(dispatcher, Message(texts[-1], (Button(buttons["tell_us"], "/give_feedback"),)))
        return []


class ActionForgetFeedback(Action):
    """Stops feedback part-way: nothing is stored, the answers are cleared."""

    def name(self) -> str:
        return "action_forget_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        key = "stopped" if pending_feedback(tracker.slots) else "stopped_nothing"
        dispatcher.utter_message(text=FLOW.wording.replies[key])
        return forget_feedback()


class ActionOfferFeedbackResume(Action):
    """After the safety check, offers to finish feedback the risk message interrupted."""

    def name(self) -> str:
        return "action_offer_feedback_resume"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        if pending_feedback(tracker.slots):
            buttons = FLOW.wording.buttons
            say(
                dispatcher,
                Message(
                    FLOW.wording.replies["resume_offer"],
                    (
                        Button(buttons["resume_yes"], "/give_feedback"),
                        Button(buttons["resume_no"], "/stop"),
                    ),
                ),
            )
        return []
