"""Which need a message is about, from the needs' words, surviving real typing.

People type "wher can i get hlep wiht my anxeity" or paste a long story. So the
whole message is read (the 1,000-character trim is only for the intent model),
and a word that is not common English but is close to one of the needs' words
is read as that word ("anxeity" as "anxiety", "bulied" as "bullied"), using the
standard library's ``difflib``. Real words are never corrected, so "sent" stays
"sent". Phrases match on spaCy lemmas, so "bullied" finds "bully"; acronyms that
are also everyday words ("SEND") match only in capitals.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from bot.core.word_list import common_words
from bot.support.directory import Need, Needs

# How alike a typo and a need's word must be (difflib's ratio), by word length:
# short words need to be closer, or "hug" would become "hub".
CLOSE_ENOUGH = ((7, 0.75), (5, 0.8), (0, 0.86))
MIN_CORRECTED_LENGTH = 4
WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


class NeedMatcher:
    """Scores each need by the words of it a message contains; the best wins."""

    CONTEXT_WEIGHT = 0.5  # scene-setting words ("school", "parent") count for half
    # A long message tells a story and asks last ("...where do we go?"): words in
    # its last ASK_CHARACTERS count this many times over the story's.
    ASK_WEIGHT = 3.0
    ASK_CHARACTERS = 300

    def __init__(self, nlp: Language, needs: Needs) -> None:
        self.nlp = nlp
        self.needs = needs
        self.order = {need.id: index for index, need in enumerate(needs.items)}
        self.matchers = {attr: PhraseMatcher(nlp.vocab, attr=attr) for attr in ("LOWER", "LEMMA")}
        self.acronyms = PhraseMatcher(nlp.vocab, attr="ORTH")
        vocabulary: set[str] = set()
        for need in needs.items:
            for label, words in ((need.id, need.words), (f"{need.id}|context", need.context)):
                if words:
                    patterns = list(nlp.pipe(words))
                    for matcher in self.matchers.values():
                        matcher.add(label, patterns)
                    vocabulary.update(token.lower_ for doc in patterns for token in doc)
            if need.acronyms:
                self.acronyms.add(need.id, list(nlp.pipe(need.acronyms)))
        self.vocabulary = tuple(sorted(word for word in vocabulary if word.isalpha()))
        self._known = common_words() | set(self.vocabulary)

    def match(self, text: str) -> Need | None:
        scores = self.scores(text)
        if not scores:
            return None
        # Ties go to the need listed first in needs.yml.
        best = max(scores, key=lambda need_id: (scores[need_id], -self.order[need_id]))
        return self.needs.get(best)

    def scores(self, text: str) -> dict[str, float]:
        doc = self.nlp(self.corrected(text))
        spans = [span for m in self.matchers.values() for span in m(doc, as_spans=True)]
        spans += self.acronyms(doc, as_spans=True)
        ask_starts = len(doc.text) - self.ASK_CHARACTERS
        scores: dict[str, float] = {}
        for span in filter_spans(spans):  # the longest phrase wins: "young carer" over "carer"
            need_id, _, context = span.label_.partition("|")
            weight = self.CONTEXT_WEIGHT if context else 1.0
            if ask_starts > 0 and span.start_char >= ask_starts:
                weight *= self.ASK_WEIGHT
            scores[need_id] = scores.get(need_id, 0.0) + weight * len(span)
        return scores

    def corrected(self, text: str) -> str:
        """The text with likely typos of the needs' words put right; capitals kept."""
        return WORD.sub(lambda found: self._correct(found.group()), " ".join(text.split()))

    def _correct(self, word: str) -> str:
        lower = word.lower()
        if len(lower) < MIN_CORRECTED_LENGTH or lower in self._known or word.isupper():
            return word
        return _closest(lower, self.vocabulary) or word


@lru_cache(maxsize=4096)
def _closest(word: str, vocabulary: tuple[str, ...]) -> str | None:
    cutoff = next(ratio for length, ratio in CLOSE_ENOUGH if len(word) >= length)
    found = difflib.get_close_matches(word, vocabulary, n=1, cutoff=cutoff)
    return found[0] if found else None
