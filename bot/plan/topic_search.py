"""Finds the plan item a question is about, from the words people actually use.

"What's being done about feeling low?" should reach Camden's outcome 3 even
though the plan says "emotionally and mentally healthy". Each item's topics
(synonyms kept in its content pack) and name are matched on spaCy lemmas, so
"worried", "worrying" and "worry" are one topic. Longer matches win, so
"mental health" beats "health"; ties go to the area's main list, then the
lower number.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import PhraseMatcher

from bot.plan.content import ContentLibrary, ContentPack, Item

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "one": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_NUMBER = r"(\d{1,2}|" + "|".join(ORDINALS) + r")(?:st|nd|rd|th)?"
_NUMBER_AFTER = re.compile(
    r"\b(outcome|impact|building block|block|one)s?\s+(?:number\s+)?" + _NUMBER + r"\b"
)
_NUMBER_BEFORE = re.compile(
    r"\b(?:the\s+)?" + _NUMBER + r"\s+(outcome|impact|building block|block|one)s?\b"
)
KIND_WORDS = {
    "outcome": "outcomes",
    "impact": "impacts",
    "building block": "building_blocks",
    "block": "building_blocks",
}


def _number(token: str) -> int:
    return int(token) if token.isdigit() else ORDINALS[token]


class TopicSearch:
    """Looks items up by number ("outcome 3"), name or topic, within one area."""

    def __init__(self, nlp: Language, library: ContentLibrary) -> None:
        self.nlp = nlp
        self.library = library
        self._matchers: dict[str, PhraseMatcher] = {}
        for pack in library.packs.values():
            matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
            for item in pack.items():
                if not item.topics:
                    continue  # lists without topics are browsed with buttons, not searched
                phrases = {*item.topics, item.name.lower()}
                matcher.add(item.id, [nlp(phrase) for phrase in sorted(phrases)])
            self._matchers[pack.area_id] = matcher

    def kind_mentioned(self, text: str) -> str | None:
        lowered = text.lower()
        for word, kind in KIND_WORDS.items():
            if re.search(rf"\b{word}s?\b", lowered):
                return kind
        return None

    def by_number(self, text: str, pack: ContentPack) -> Item | None:
        lowered = text.lower()
        kind = self.kind_mentioned(lowered) or pack.main_list
        for pattern, kind_group, number_group in ((_NUMBER_AFTER, 1, 2), (_NUMBER_BEFORE, 2, 1)):
            match = pattern.search(lowered)
            if match:
                word = match.group(kind_group)
                list_key = KIND_WORDS.get(word, kind)
                item_list = pack.lists.get(list_key)
                if item_list:
                    return item_list.by_number(_number(match.group(number_group)))
        return None

    def by_topic(self, text: str, pack: ContentPack) -> Item | None:
        doc = self.nlp(text.lower())
        scores: dict[str, int] = {}
        for match_id, start, end in self._matchers[pack.area_id](doc):
            item_id = self.nlp.vocab.strings[match_id]
            scores[item_id] = max(scores.get(item_id, 0), end - start)
        if not scores:
            return None
        kind = self.kind_mentioned(text)
        order = list(pack.lists)

        def rank(item_id: str) -> tuple:
            item = pack.item(item_id)
            return (
                -scores[item_id],
                item.list_key != kind,
                item.list_key != pack.main_list,
                order.index(item.list_key),
                item.number,
            )

        return pack.item(min(scores, key=rank))

    def find(self, text: str, pack: ContentPack) -> tuple[Item | None, bool]:
        """The item asked about and whether it was named exactly (not just a close topic)."""
        item = self.by_number(text, pack)
        if item is not None:
            return item, True
        item = self.by_topic(text, pack)
        if item is None:
            return None, False
        named = item.name.lower() in text.lower()
        return item, named
