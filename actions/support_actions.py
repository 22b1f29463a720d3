"""Find support: thin adapters over :mod:`bot.support.finder` and the directory."""

from __future__ import annotations

from abc import ABC
from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.shared import FEEDBACK_FLOW, LIBRARY, NLP, AskQuestion, say
from bot.core.answers import Answer, is_leaving
from bot.core.chat_messages import Message
from bot.support.directory import load_needs, load_services
from bot.support.finder import (
    PAGE_SIZE,
    Choice,
    NeedMatcher,
    SupportFinder,
    SupportReader,
    load_support_wording,
)

# Loaded once at start-up: a broken directory stops the server with the file and
# field named, instead of failing in the middle of a conversation.
_NEEDS = load_needs()
FINDER = SupportFinder(
    load_services(known_areas=tuple(LIBRARY.packs), needs=_NEEDS),
    _NEEDS,
    load_support_wording(),
    LIBRARY,
)
# Typed age bands read as the feedback form's buttons name them.
READER = SupportReader(FINDER, NeedMatcher(NLP, _NEEDS), FEEDBACK_FLOW.wording.age_bands)


def now() -> datetime:
    return datetime.now(timezone.utc)


class ActionStartSupport(Action):
    """A new request: read what the first message already says, forget the last need.

    Runs before the form, so "my son is being bullied" fills the need and who it
    is for at once; who and where otherwise stay from an earlier request.
    """

    def name(self) -> str:
        return "action_start_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        answer = Answer.from_message(tracker.latest_message)
        events = [
            SlotSet("support_need", READER.need(answer)),
            SlotSet("support_offset", None),
        ]
        who = READER.who(answer, asked=False)
        if who:
            events.append(SlotSet("support_who", who))
        area = READER.area(answer, asked=False) or tracker.get_slot("area")
        if area and (area != tracker.get_slot("support_area")):
            events.append(SlotSet("support_area", area))
        return events


class ValidateSupportForm(FormValidationAction):
    """Answers to the form's questions, from buttons or the person's words."""

    def name(self) -> str:
        return "validate_support_form"

    async def extract_support_need(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._read(tracker, "support_need", READER.need)

    async def extract_support_who(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._read(tracker, "support_who", lambda a: READER.who(a, asked=True))

    async def extract_support_area(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._read(tracker, "support_area", lambda a: READER.area(a, asked=True))

    @staticmethod
    def _read(tracker: Tracker, slot: str, read) -> Dict[str, Any]:
        # Only the question being asked is read, so a later answer cannot change
        # an earlier one by accident. Setting it to None when unclear makes the
        # form ask again instead of giving up on the form.
        answer = Answer.from_message(tracker.latest_message)
        if tracker.get_slot("requested_slot") != slot or is_leaving(answer):
            return {}  # nothing read: "stop" then ends the form through the rules
        return {slot: read(answer)}


class AskSupportQuestion(AskQuestion, ABC):
    def question(self, tracker: Tracker) -> Message:
        return FINDER.question(self.slot)


class AskSupportNeed(AskSupportQuestion):
    slot = "support_need"


class AskSupportWho(AskSupportQuestion):
    slot = "support_who"


class AskSupportArea(AskSupportQuestion):
    slot = "support_area"


class ActionShowServices(Action):
    """The next three services for the chosen need ("more" pages on)."""

    def name(self) -> str:
        return "action_show_services"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        need = FINDER.needs.get(tracker.get_slot("support_need"))
        if need is None:
            say(dispatcher, FINDER.ask_need())
            return []
        offset = int(tracker.get_slot("support_offset") or 0)
        choice = Choice(need, tracker.get_slot("support_who"), tracker.get_slot("support_area"))
        say(dispatcher, *FINDER.page(choice, now(), offset))
        return [SlotSet("support_offset", float(offset + PAGE_SIZE))]


class ActionTalkToPerson(Action):
    """Honest: no human behind the chatbot, but these lines are open now."""

    def name(self) -> str:
        return "action_talk_to_person"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        say(dispatcher, *FINDER.people_now(tracker.get_slot("support_who"), now()))
        return []
