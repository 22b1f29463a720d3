"""Plan answers lead somewhere: a find-support button on every answer about a topic.

"What are they doing about bullying?" gets the plan's outcome, and with it a
button that starts finding support for bullying. The plan package knows nothing
of services (it sits below this one), so the two are put together here: the
need the person's own words name, else the needs ``needs.yml`` links to the
item (its ``camden_outcome`` or ``impact``), else a plain "Find support".
The buttons' words come from ``data/content/wording.yml``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Mapping, Protocol

from bot.core.chat_messages import Button
from bot.plan.answers import PlanReply
from bot.plan.content import Item
from bot.support.directory import Need, Needs

FIND_SUPPORT_INTENT = "find_support"
MAX_NEED_BUTTONS = 3


class NeedMatch(Protocol):
    """What reads a need from someone's words (``bot.support.need_classifier.NeedClassifier``)."""

    def match(self, text: str) -> Need | None: ...


def find_support_payload(need: Need | None = None) -> str:
    """``/find_support{"choice": "bullying"}``: the find-support action reads ``choice``."""
    if need is None:
        return f"/{FIND_SUPPORT_INTENT}"
    return f"/{FIND_SUPPORT_INTENT}" + json.dumps({"choice": need.id})


class PlanSupportLinks:
    def __init__(self, matcher: NeedMatch, needs: Needs, buttons: Mapping[str, str]) -> None:
        """
        Args:
            matcher: reads a need from the person's words.
            needs: the needs taxonomy, with each need's plan links.
            buttons: the plan wording's ``buttons`` (``find_support_need``, ``find_support``).
        """
        self.matcher = matcher
        self.needs = needs
        self.buttons = buttons

    def needs_for(self, item: Item | None, text: str) -> list[Need]:
        """The need the words name, else the needs linked to the item, best first."""
        typed = "" if text.startswith("/") else text  # a button's payload names no need
        said = self.matcher.match(typed) if typed.strip() else None
        if said is not None:
            return [said]
        if item is None:
            return []
        linked = [n for n in self.needs.items if item.id in (n.camden_outcome, n.impact)]
        return linked[:MAX_NEED_BUTTONS]

    def support_buttons(self, item: Item | None, text: str) -> list[Button]:
        """Buttons to find support for this topic; none for an answer about no topic."""
        needs = self.needs_for(item, text)
        if needs:
            template = self.buttons["find_support_need"]
            return [Button(template.format(need=n.label), find_support_payload(n)) for n in needs]
        if item is not None:
            return [Button(self.buttons["find_support"], find_support_payload())]
        return []

    def add_to(self, reply: PlanReply, text: str) -> PlanReply:
        """``reply`` with the find-support buttons first on its last message.

        Args:
            reply: a plan answer.
            text: what the person typed (or the button's payload).
        """
        extra = self.support_buttons(reply.item, text)
        if not extra or not reply.messages:
            return reply
        last = reply.messages[-1]
        already = {button.payload for button in last.buttons}
        new = tuple(button for button in extra if button.payload not in already)
        messages = [*reply.messages[:-1], replace(last, buttons=new + last.buttons)]
        return replace(reply, messages=messages)
