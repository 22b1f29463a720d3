"""Answers questions about an area's plan, entirely from its content pack.

Every sentence an answer contains is either pack content (``plain`` or a quoted
``source_text``) or a wording template from ``data/content/wording.yml``, so a
council can change what the assistant says without touching code, and a test
can check that nothing is quoted that is not in a pack.

Every answer ends with a way on (buttons or a question). "Tell me more" goes one
step further each time it is asked about the same thing: the plan's own words,
then the linked parts of the plans, then the source with its years, then says
that was all. Find-support buttons are added above this package, in
``bot/support/plan_links.py``, because plans must not depend on services.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Callable

from bot.core.chat_messages import Button, Message
from bot.core.mid_sentence import mid_sentence
from bot.plan.content import ContentLibrary, ContentPack, Fact, Item, ItemList
from bot.plan.topic_search import SOURCE, TopicSearch

LIST_INTENTS = {
    "list_outcomes": "outcomes",
    "list_impacts": "impacts",
    "list_building_blocks": "building_blocks",
    "list_what_matters": "what_matters",
}
PLAN_INTENTS = frozenset(
    {
        "ask_plan", "list_priorities", "ask_about", "ask_success", "ask_anthem",
        "ask_how_made", "ask_full_plan", "more_info", "next_item", "choose_area",
        *LIST_INTENTS,
    }
)  # fmt: skip


# Broad intents whose text may still name one item; see PlanAnswerer._named_item.
# A question about no item in particular that names the plan is about the plan.
PLAN_WORDS = re.compile(r"\b(plan|plans|flourish|priorities)\b")
TOPIC_REFINABLE_INTENTS = frozenset({"ask_plan", "choose_area"})
REFINABLE_INTENTS = TOPIC_REFINABLE_INTENTS | {"list_priorities", *LIST_INTENTS}
# Broad intents whose text may name a fact ("what is the vision?", "when was it written?").
FACT_REFINABLE_INTENTS = TOPIC_REFINABLE_INTENTS | {"ask_how_made"}
# Facts the plan answer itself gives; "tell me more" after it goes on to the others.
PLAN_ANSWER_FACTS = ("overview", "vision")
NOT_MORE_FACTS = (*PLAN_ANSWER_FACTS, "full_plan")
FACT_FOCUS = "fact"  # plan_focus for a fact: "fact:<area>:<fact name>"
QUOTE_WORDS = 45  # a longer quote is sent a few sentences at a time


@dataclass
class PlanReply:
    """What to say, plus the conversation state to remember for follow-ups."""

    messages: list[Message]
    area: str
    focus: str | None = None
    item: Item | None = None  # the outcome, impact or building block it is about, if any
    more_shown: int = 0  # how many "tell me more" steps about the focus were given


def fact_focus(pack: ContentPack, name: str) -> str:
    return f"{FACT_FOCUS}:{pack.area_id}:{name}"


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _says_more(source_text: str, plain: str) -> bool:
    """Whether quoting the plan adds anything to the plain version already given."""
    return _words(source_text) != _words(plain)


@dataclass
class Question:
    intent: str
    text: str = ""
    area: str | None = None  # remembered from earlier (the slot)
    named_area: str | None = None  # picked on a button (an entity)
    focus: str | None = None  # the item (or fact) last talked about
    item_id: str | None = None  # from a browse button's entity
    more_shown: int = 0  # "tell me more" steps already given about the focus


class PlanAnswerer:
    def __init__(
        self,
        library: ContentLibrary,
        search: TopicSearch,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.library = library
        self.search = search
        self.words = library.wording
        self.today = today  # whether a plan is an older one depends on the date asked

    # --- entry point -------------------------------------------------------
    def answer(self, question: Question) -> PlanReply:
        named = question.named_area if question.named_area in self.library.packs else None
        named = named or self.library.area_mentioned(question.text)
        question.named_area = named
        pack = self.library.pack(named or question.area)
        return self._way_on(self._answer(question, pack))

    def _way_on(self, reply: PlanReply) -> PlanReply:
        """No dead ends: an answer that ends without buttons or a question gets the lists."""
        last = reply.messages[-1]
        if not last.buttons and not last.text.rstrip().endswith("?"):
            buttons = tuple(self._list_buttons(self.library.pack(reply.area)))
            reply.messages[-1] = replace(last, buttons=buttons)
        return reply

    def _answer(self, question: Question, pack: ContentPack) -> PlanReply:
        handler = {
            "ask_plan": self._plan,
            "list_priorities": lambda q, p: self._list(p, p.main_list),
            "ask_about": self._about,
            "ask_success": self._success,
            "ask_anthem": lambda q, p: self._fact(p, "anthem"),
            "ask_how_made": self._how_made,
            "ask_full_plan": lambda q, p: self._fact(p, "full_plan"),
            "more_info": self._more,
            "next_item": self._next,
            "choose_area": self._choose_area,
        }.get(question.intent)
        if handler is None and question.intent not in LIST_INTENTS:
            raise ValueError(f"not a plan question: {question.intent}")
        refined = self._named_item(question, pack) or self._named_fact(question, pack)
        if refined is not None:
            return refined
        if question.intent in LIST_INTENTS:
            return self._list(pack, LIST_INTENTS[question.intent])
        return handler(question, pack)

    def _named_item(self, question: Question, pack: ContentPack) -> PlanReply | None:
        """A broad question that names one item ("impact 4 in norfolk") gets that item.

        The intent model often hears "outcome 3" as "list the outcomes", and
        "what does Flourish say about identity" as "what is the plan"; the words
        themselves say which item is meant.
        """
        if question.intent not in REFINABLE_INTENTS or not question.text:
            return None
        item, exact = self.search.find(question.text, pack)  # number first, then topic
        missing = LIST_INTENTS.get(question.intent)
        if missing is not None and missing not in pack.lists:
            return self._item_for_missing_list(question, pack, missing, item)
        if question.intent not in TOPIC_REFINABLE_INTENTS and not exact:
            return None  # a list question only narrows to an item it names exactly
        return self._item_answer(pack, item, exact) if item else None

    def _named_fact(self, question: Question, pack: ContentPack) -> PlanReply | None:
        """A broad question that names a fact ("what is the vision?") gets that fact."""
        if question.intent not in FACT_REFINABLE_INTENTS or not question.text:
            return None
        found = self.search.find_any(question.text, pack)
        if found.fact is None:
            return None
        return self._fact_answer(pack, pack, found.fact)

    def _item_for_missing_list(
        self, question: Question, pack: ContentPack, key: str, here: Item | None
    ) -> PlanReply | None:
        """A question for a list this area's plan lacks may still name what it is about.

        "What is the safe and secure impact?" in Camden names Norfolk's impact, and
        "how can young people have a say?" heard as "what matters most" is about a
        Camden building block. Only an item named in full counts from the other
        plan, so "the 8 impacts" (a count, not impact 8) still gets the lists.
        """
        text = question.text.lower()
        for other in self.library.packs.values():
            if other is pack or key not in other.lists:
                continue
            named = [item for item in other.lists[key].items if item.name.lower() in text]
            if named:
                return self._from_elsewhere(pack, other, named[0], exact=True)
        if here is not None:
            return self._item_answer(pack, here, exact=False)
        return None

    def _from_elsewhere(
        self, pack: ContentPack, other: ContentPack, item: Item, exact: bool
    ) -> PlanReply:
        """An item of another area's plan, saying whose it is."""
        answer = self._item_answer(other, item, exact)
        answer.area = pack.area_id
        prefix = self.words["elsewhere"].format(area=other.area_name, plain="").strip()
        answer.messages.insert(0, Message(prefix))
        return answer

    # --- buttons -----------------------------------------------------------
    def _button(self, name: str, payload: str, **values: str) -> Button:
        return Button(self.words["buttons"][name].format(**values), payload)

    def _list_buttons(self, pack: ContentPack) -> list[Button]:
        ordered = [pack.main_list, *(k for k in pack.lists if k != pack.main_list)]
        return [
            self._button("all", f"/{self._list_intent(key)}", label=pack.lists[key].label)
            for key in ordered
            if self._list_intent(key)
        ]

    @staticmethod
    def _list_intent(key: str) -> str | None:
        return next((intent for intent, k in LIST_INTENTS.items() if k == key), None)

    def _item_buttons(self, pack: ContentPack, item: Item, more: bool = True) -> list[Button]:
        buttons = [self._button("more", "/more_info")] if more else []
        buttons.append(self._button("next", "/next_item"))
        intent = self._list_intent(item.list_key)
        if intent:
            buttons.append(self._button("all", f"/{intent}", label=pack.lists[item.list_key].label))
        return buttons

    @staticmethod
    def _item_button(item: Item) -> Button:
        return Button(item.name, f'/ask_about{{"plan_item": "{item.id}"}}')

    # --- answers -----------------------------------------------------------
    def _plan(self, question: Question, pack: ContentPack) -> PlanReply:
        messages = [Message(pack.facts[name].plain) for name in PLAN_ANSWER_FACTS
                    if name in pack.facts]  # fmt: skip
        buttons = self._list_buttons(pack) + [self._button("change_area", "/choose_area")]
        messages[-1] = replace(messages[-1], buttons=tuple(buttons))
        return PlanReply(messages, pack.area_id)

    def _list(self, pack: ContentPack, key: str) -> PlanReply:
        item_list = pack.lists.get(key)
        if item_list is None:
            main = pack.lists[pack.main_list]
            label = self._label_anywhere(key)
            intro = self.words["missing_list"].format(
                area=pack.area_name, label=label, main_label=main.label
            )
            answer = self._list(pack, pack.main_list)
            answer.messages.insert(0, Message(intro))
            return answer
        lines = [
            self.words["list_line"].format(number=i.number, name=i.name) for i in item_list.items
        ]
        buttons = tuple(self._item_button(item) for item in item_list.items)
        return PlanReply(
            [Message(item_list.intro.plain), Message("\n".join(lines), buttons)], pack.area_id
        )

    def _label_anywhere(self, key: str) -> str:
        for pack in self.library.packs.values():
            if key in pack.lists:
                return pack.lists[key].label
        return key.replace("_", " ")

    def _item_answer(self, pack: ContentPack, item: Item, exact: bool) -> PlanReply:
        item_list = pack.lists[item.list_key]
        template = self.words["item" if exact else "closest_item"]
        text = template.format(
            kind=item_list.singular.capitalize() if exact else item_list.singular,
            number=item.number,
            plain=item.plain,
            area=pack.area_name,
        )
        messages = [Message(text)]
        linked = [self.library.find(slug) for slug in item.flourish_impacts if slug != item.id]
        linked = [found for found in linked if found is not None]
        if linked:
            names = ", ".join(self._mid_sentence(impact.name) for _, impact in linked)
            flourish = linked[0][0].source.name
            text = self.words["flourish_link"].format(impacts=names, plan=flourish)
            messages.append(Message(text))
        messages[-1] = replace(messages[-1], buttons=tuple(self._item_buttons(pack, item)))
        return PlanReply(messages, pack.area_id, focus=item.id, item=item)

    def _mid_sentence(self, name: str) -> str:
        """A name put inside a sentence: "about: being listened to", unless a proper noun."""
        proper = [*self.words.get("proper_nouns", []), *self.library.area_names().values()]
        return mid_sentence(name, proper)

    def _about(self, question: Question, pack: ContentPack) -> PlanReply:
        if question.item_id:
            if pack.item(question.item_id):
                return self._item_answer(pack, pack.item(question.item_id), exact=True)
            found_elsewhere = self.library.find(question.item_id)
            if found_elsewhere:  # a linked item of another area's plan, tapped on a button
                return self._from_elsewhere(pack, *found_elsewhere, exact=True)
        kind = self.search.kind_mentioned(question.text)
        if kind is None or kind in pack.lists:
            found = self.search.find_any(question.text, pack)
            if found.fact is not None:
                return self._fact_answer(pack, pack, found.fact)
            if found.item is not None:
                return self._item_answer(pack, found.item, found.exact)
        # Not in this area's plan (or it names a kind of item, like "impact", that
        # only another area's plan has): try the other packs and say whose it is.
        for other in self.library.packs.values():
            if other is pack or (kind is not None and kind not in other.lists):
                continue
            found = self.search.find_any(question.text, other)
            if found.fact is not None and found.fact != SOURCE:  # "how old" means this plan
                return self._fact_answer(pack, other, found.fact)
            if found.item is not None:
                return self._from_elsewhere(pack, other, found.item, found.exact)
        if PLAN_WORDS.search(question.text.lower()):
            return self._plan(question, pack)  # "the plan for teenagers": the plan itself
        answer = self._list(pack, pack.main_list)
        answer.messages[0] = Message(self.words["not_found"].format(area=pack.area_name))
        return answer

    # --- "tell me more": one new step each time --------------------------------
    def _more(self, question: Question, pack: ContentPack) -> PlanReply:
        item, owner = self._focus(question, pack)
        fact = self._focus_fact(question)
        if item is not None:
            steps = self._item_steps(owner, item)
        elif fact is not None:
            steps = self._fact_steps(*fact)
        else:
            steps = self._plan_steps(pack)
        step = max(question.more_shown, 0)
        focus = item.id if item else question.focus if fact else None
        reply = PlanReply([], pack.area_id, focus=focus, item=item, more_shown=step + 1)
        if step >= len(steps):  # said it all: say so, and offer the ways on
            reply.more_shown = len(steps)
            reply.messages = [Message(self.words["more_done"])]
            steps_left = False
        else:
            reply.messages = list(steps[step])
            steps_left = step + 1 < len(steps)
        if reply.messages[-1].buttons:
            return reply  # the step chose its own ways on (links to other items)
        more = [self._button("more", "/more_info")] if steps_left else []
        if item is not None:
            buttons = self._item_buttons(owner, item, more=steps_left)
        else:
            buttons = more + self._list_buttons(pack)
        reply.messages[-1] = replace(reply.messages[-1], buttons=tuple(buttons))
        return reply

    def _item_steps(self, owner: ContentPack, item: Item) -> list[list[Message]]:
        """The plan's own words, then linked items in either plan, then the source."""
        steps = []
        words = []
        if _says_more(item.source_text, item.plain):
            words += self._quote(item.source_text)
        more = owner.lists[item.list_key].more
        if more is not None:
            words.append(Message(more.plain))
        if words:
            steps.append(words)
        links = self._links(item)
        if links:
            steps.append(links)
        steps.append(self._source(owner))
        return steps

    def _links(self, item: Item) -> list[Message]:
        """Linked items, grouped by plan and list, with a button to each (and to more)."""
        groups: dict[tuple[str, str], list[Item]] = {}
        owners: dict[str, ContentPack] = {}
        for pack, linked in self.library.links(item):
            groups.setdefault((pack.area_id, linked.list_key), []).append(linked)
            owners[pack.area_id] = pack
        if not groups:
            return []
        lines = []
        for (area_id, list_key), items in groups.items():
            pack = owners[area_id]
            label = pack.lists[list_key].label
            lines.append(self.words["links"].format(label=label, plan=pack.source.name))
            lines += [self.words["link_line"].format(name=linked.name) for linked in items]
        linked_items = [linked for items in groups.values() for linked in items]
        buttons = [self._item_button(linked) for linked in linked_items[:3]]
        buttons.append(self._button("more", "/more_info"))
        return [Message("\n".join(lines), tuple(buttons))]

    def _fact_steps(self, owner: ContentPack, name: str) -> list[list[Message]]:
        if name == SOURCE:
            published = owner.source.published
            return [self._quote(published.source_text)] if published else []
        fact = owner.facts[name]
        steps = []
        if name != "full_plan" and _says_more(fact.source_text, fact.plain):
            steps.append(self._quote(fact.source_text))
        steps.append(self._source(owner))
        return steps

    def _plan_steps(self, pack: ContentPack) -> list[list[Message]]:
        """After the plan itself: its other facts in pack order, then how old it is."""
        steps = [[Message(fact.plain)] for name, fact in pack.facts.items()
                 if name not in NOT_MORE_FACTS]  # fmt: skip
        steps.append([replace(message, buttons=()) for message in self._when(pack).messages])
        return steps

    def _quote(self, source_text: str) -> list[Message]:
        """The plan's own words; a long quote goes a few whole sentences at a time."""
        sentences = re.split(r"(?<=[.!?])\s+", source_text)
        parts = [sentences[0]]
        for sentence in sentences[1:]:
            if len(f"{parts[-1]} {sentence}".split()) <= QUOTE_WORDS:
                parts[-1] = f"{parts[-1]} {sentence}"
            else:
                parts.append(sentence)
        first = self.words["quote"].format(source_text=parts[0])
        return [Message(first), *(Message(f"“{part}”") for part in parts[1:])]

    def _source(self, pack: ContentPack) -> list[Message]:
        """Where the plan comes from, with its years and a link, and whether it is older."""
        full_plan = pack.facts.get("full_plan")
        if full_plan is not None and full_plan.url:
            text = self.words["source_link"].format(source=pack.source.label, url=full_plan.url)
        else:
            text = self.words["source"].format(source=pack.source.label)
            if full_plan is not None:
                text = f"{text} {full_plan.plain}"
        older = self._older(pack)
        return [Message(f"{text} {older}" if older else text)]

    def _older(self, pack: ContentPack) -> str | None:
        end = pack.source.end_year
        if end is None or end >= self.today().year:
            return None
        return self.words["older_plan"].format(end_year=end)

    def _when(self, pack: ContentPack) -> PlanReply:
        """How old the plan is: when it was published, whether it is older, and the source."""
        source = pack.source
        if source.published is not None:
            first = source.published.plain
        else:
            first = self.words["no_date"].format(plan=source.name)
        messages = [Message(first), *self._source(pack)]
        steps_left = bool(self._fact_steps(pack, SOURCE))
        more = [self._button("more", "/more_info")] if steps_left else []
        buttons = tuple(more + self._list_buttons(pack))
        messages[-1] = replace(messages[-1], buttons=buttons)
        return PlanReply(messages, pack.area_id, focus=fact_focus(pack, SOURCE))

    def _read_more(self, fact: Fact) -> Message:
        if fact.url:
            return Message(self.words["read_more_link"].format(plain=fact.plain, url=fact.url))
        return Message(self.words["read_more"].format(plain=fact.plain))

    def _next(self, question: Question, pack: ContentPack) -> PlanReply:
        item, owner = self._focus(question, pack)
        if item is None:
            first = pack.lists[pack.main_list].items[0]
            return self._item_answer(pack, first, exact=True)
        item_list: ItemList = owner.lists[item.list_key]
        following = item_list.after(item)
        if following is None:
            text = self.words["last_item"].format(kind=item_list.singular)
            intent = self._list_intent(item.list_key)
            buttons = [self._button("all", f"/{intent}", label=item_list.label)] if intent else []
            return PlanReply([Message(text, tuple(buttons))], pack.area_id, focus=item.id)
        answer = self._item_answer(owner, following, exact=True)
        answer.area = pack.area_id
        return answer

    def _focus(self, question: Question, pack: ContentPack) -> tuple[Item | None, ContentPack]:
        for candidate in [pack, *self.library.packs.values()]:
            item = candidate.item(question.focus)
            if item is not None:
                return item, candidate
        return None, pack

    def _focus_fact(self, question: Question) -> tuple[ContentPack, str] | None:
        """The pack and fact name of a fact focus ("fact:camden:vision"), if it still exists."""
        kind, _, rest = (question.focus or "").partition(":")
        area, _, name = rest.partition(":")
        pack = self.library.packs.get(area)
        if kind != FACT_FOCUS or pack is None or (name not in pack.facts and name != SOURCE):
            return None
        return pack, name

    # --- facts ---------------------------------------------------------------
    def _fact(self, pack: ContentPack, name: str) -> PlanReply:
        if name in pack.facts:
            return self._fact_answer(pack, pack, name)
        for other in self.library.packs.values():
            if name in other.facts:
                return self._fact_answer(pack, other, name)
        text = self.words["fact_missing"].format(area=pack.area_name)
        return PlanReply([Message(text, tuple(self._list_buttons(pack)))], pack.area_id)

    def _fact_answer(self, pack: ContentPack, owner: ContentPack, name: str) -> PlanReply:
        """One fact of ``owner``'s plan, asked in ``pack``'s area; "tell me more" follows it."""
        if name == SOURCE:
            return self._when(owner)
        fact = owner.facts[name]
        if name == "full_plan":
            message = self._read_more(fact)
        elif owner is not pack:
            text = self.words["elsewhere"].format(area=owner.area_name, plain=fact.plain)
            message = Message(text)
        else:
            message = Message(fact.plain)
        more = [self._button("more", "/more_info")] if self._fact_steps(owner, name) else []
        buttons = tuple(more + self._list_buttons(pack))
        message = replace(message, buttons=buttons)
        return PlanReply([message], pack.area_id, focus=fact_focus(owner, name))

    def _success(self, question: Question, pack: ContentPack) -> PlanReply:
        if "success" in pack.lists:
            item_list = pack.lists["success"]
            lines = [self.words["success_line"].format(plain=i.plain) for i in item_list.items]
            messages = [Message(item_list.intro.plain), Message("\n".join(lines))]
            return PlanReply(messages, pack.area_id)
        return self._fact(pack, "success")

    def _how_made(self, question: Question, pack: ContentPack) -> PlanReply:
        answer = self._fact(pack, "how_agreed")
        if "how_used" in pack.lists:
            item_list = pack.lists["how_used"]
            lines = [self.words["success_line"].format(plain=i.plain) for i in item_list.items]
            buttons = answer.messages[-1].buttons  # the ways on go after the whole answer
            answer.messages[-1] = replace(answer.messages[-1], buttons=())
            answer.messages += [Message(item_list.intro.plain), Message("\n".join(lines), buttons)]
        return answer

    def _choose_area(self, question: Question, pack: ContentPack) -> PlanReply:
        if question.named_area:
            chosen = self.library.pack(question.named_area)
            text = self.words["area_chosen"].format(area=chosen.area_name)
            buttons = self._list_buttons(chosen)
            return PlanReply([Message(text, tuple(buttons))], chosen.area_id)
        buttons = [
            self._button("area", f'/choose_area{{"area": "{p.area_id}"}}', area=p.area_name)
            for p in self.library.packs.values()
        ]
        return PlanReply([Message(self.words["pick_area"], tuple(buttons))], pack.area_id)
