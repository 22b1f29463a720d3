"""Find support: thin adapters over :mod:`bot.support.finder` and the directory."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.shared import FEEDBACK_FLOW, LIBRARY, NEED_CLASSIFIER, NEEDS, AskQuestion, say
from bot.core.answers import Answer, is_leaving
from bot.core.chat_messages import Message
from bot.safety.risk_signal import risk_in_session
from bot.support.directory import load_services
from bot.support.finder import (
    PAGE_SIZE,
    Choice,
    SupportFinder,
    SupportReader,
    load_support_wording,
)

# Loaded once at start-up: a broken directory stops the server with the file and
# field named, instead of failing in the middle of a conversation.
FINDER = SupportFinder(
    load_services(known_areas=tuple(LIBRARY.packs), needs=NEEDS),
    NEEDS,
    load_support_wording(),
    LIBRARY,
)
# Typed age bands read as the feedback form's buttons name them.
READER = SupportReader(FINDER, NEED_CLASSIFIER, FEEDBACK_FLOW.wording.age_bands)


def now() -> datetime:
    return datetime.now(timezone.utc)


class ActionStartSupport(Action):
    """A new request: read what the first message already says.

    Runs before the form, so "my son is being bullied" fills the need and who it
    is for at once, and the services come straight away. A message that names no
    need but says who or where ("I'm a parent", taken for a new request) narrows
    the last request instead of starting over.
    """

    def name(self) -> str:
        return "action_start_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        answer = Answer.from_message(tracker.latest_message)
        need = READER.need(answer)
        found = READER.refinement(answer) if need is None else {}
        if need is None and found and tracker.get_slot("support_need"):
            need = tracker.get_slot("support_need")
        events = [SlotSet("support_need", need), SlotSet("support_offset", None)]
        who = found.get("support_who") or READER.who(answer, asked=False)
        if who:
            events.append(SlotSet("support_who", who))
        area = found.get("support_area") or READER.area(answer, asked=False)
        area = area or tracker.get_slot("support_area") or tracker.get_slot("area")
        if area and area != tracker.get_slot("support_area"):
            events.append(SlotSet("support_area", area))
        return events


class ValidateSupportForm(FormValidationAction):
    """The need, from a button or the person's words; who and where too if they say."""

    def name(self) -> str:
        return "validate_support_form"

    async def extract_support_need(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        answer = Answer.from_message(tracker.latest_message)
        if tracker.get_slot("requested_slot") != "support_need" or is_leaving(answer):
            return {}  # nothing read: "stop" then ends the form through the rules
        # Setting it to None when unclear makes the form ask again.
        return {"support_need": READER.need(answer), **READER.refinement(answer)}


class AskSupportNeed(AskQuestion):
    slot = "support_need"

    def question(self, tracker: Tracker) -> Message:
        return FINDER.ask_need()


def choice_from(tracker: Tracker) -> Choice | None:
    need = FINDER.needs.get(tracker.get_slot("support_need"))
    if need is None:
        return None
    return Choice(need, tracker.get_slot("support_who"), tracker.get_slot("support_area"))


class ActionShowServices(Action):
    """The best services for the need at once, three at a time ("more" pages on)."""

    def name(self) -> str:
        return "action_show_services"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        choice = choice_from(tracker)
        if choice is None:
            say(dispatcher, FINDER.ask_need())
            return []
        offset = int(tracker.get_slot("support_offset") or 0)
        say(dispatcher, *FINDER.page(choice, now(), offset))
        return [SlotSet("support_offset", float(offset + PAGE_SIZE))]


class ActionRefineSupport(Action):
    """An answer with no question open: narrows the services just shown, if any.

    "I'm a parent", "14" or "Camden" after a list of services means "for me,
    there": the list is shown again for them. With no list to narrow, the menu.
    """

    def name(self) -> str:
        return "action_refine_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        choice = choice_from(tracker)
        found = READER.refinement(Answer.from_message(tracker.latest_message))
        if choice is None or not found:
            dispatcher.utter_message(response="utter_help_menu")
            return []
        choice = Choice(
            choice.need,
            found.get("support_who", choice.who),
            found.get("support_area", choice.area),
        )
        say(dispatcher, *FINDER.page(choice, now()))
        return [SlotSet(slot, value) for slot, value in found.items()] + [
            SlotSet("support_offset", float(PAGE_SIZE))
        ]


class ActionTalkToPerson(Action):
    """Honest: no human behind the chatbot, but these people can talk now."""

    def name(self) -> str:
        return "action_talk_to_person"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        messages = FINDER.people_now(
            choice_from(tracker),
            tracker.get_slot("support_who"),
            tracker.get_slot("support_area") or tracker.get_slot("area"),
            risk_in_session(tracker.events),
            now(),
        )
        say(dispatcher, *messages)
        return []
