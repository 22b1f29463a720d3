"""Finds messages that signal a risk of harm, whatever the intent model thinks.

Young people tell chatbots things they tell no one else, in slang, misspelt and
without punctuation. A statistical classifier that is 95% sure a message is
"chitchat" must never be the reason a child in danger gets a joke back, so this
detector is rule-based, deterministic, and runs on every message. Its rules are
data (``data/safety/risk_categories.yml``) so safeguarding staff can extend them.

Matching happens on a normalised copy of the text:

1. lower-case, unify apostrophes, undo leetspeak inside words (``k1ll``), shorten
   stretched letters (``diiiie``);
2. expand slang and abbreviations token by token (``kms`` -> ``kill myself``);
3. blank out harmless idioms (``this homework is killing me``);
4. try each category in priority order: regular expressions on the text, then
   spaCy ``Matcher`` patterns on lemmas, so ``hits``/``hitting``/``hit`` all match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot import project_path
from bot.core.data_files import DataFileError, load_yaml, optional, require

if TYPE_CHECKING:  # spaCy is imported only by the detector, not by readers of the rules
    from spacy.language import Language
    from spacy.matcher import Matcher

DEFAULT_RULES_PATH = project_path("data/safety/risk_categories.yml")

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
# A word is read as leetspeak only when every digit in it has a letter's reading
# ("k1ll", "mys3lf"): in a code such as "c020d6fe" the 2 and 6 say it is not
# words, and reading its "0d" as "od" (overdose) once gave a crisis reply.
_LEET_WORD = re.compile(r"\b(?=[a-z013457@$]*[a-z])(?=[a-z013457@$]*[013457@$])[a-z013457@$]+\b")
_STRETCHED_VOWEL = re.compile(r"([aeiouy])\1{2,}")
_STRETCHED_CONSONANT = re.compile(r"([b-df-hj-np-tv-xz])\1{2,}")
# Words, and runs of anything else, in bounded pieces: spaCy's tokenizer takes time
# quadratic in the length of a run of symbols (5,000 emoji in one run took 2.6 s of
# the server's only event loop, 50,000 would take minutes), and no word is longer.
_WORD = re.compile(r"[a-z']{1,40}|[^a-z'\s]{1,20}")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class RiskMatch:
    """Why a message was flagged: the category and the rule that fired."""

    category: str
    rule: str


@dataclass(frozen=True)
class RiskCategory:
    id: str
    label: str
    regexes: tuple[tuple[str, re.Pattern[str]], ...]
    token_patterns: tuple[list[dict], ...]


@dataclass(frozen=True)
class RiskRules:
    """The parsed rules file: categories in priority order plus shared text fixes."""

    categories: tuple[RiskCategory, ...]
    expansions: dict[str, str]
    exclusions: tuple[re.Pattern[str], ...]


def load_rules(path: Path = DEFAULT_RULES_PATH) -> RiskRules:
    """Read and validate the rules file, naming the file and field on any mistake."""
    data = load_yaml(path)
    raw_categories = require(data, "categories", list, path)
    expansions = optional(data, "expansions", dict, {}, path)
    exclusions = tuple(
        _compile(pattern, path, f"exclusions[{i}]")
        for i, pattern in enumerate(optional(data, "exclusions", list, [], path))
    )
    categories = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_categories):
        where = f"categories[{i}]"
        category_id = require(raw, "id", str, path, where)
        if category_id in seen:
            raise DataFileError(path, f"{where}.id", f"'{category_id}' appears twice")
        seen.add(category_id)
        regexes = tuple(
            (pattern, _compile(pattern, path, f"{where}.regex[{j}]"))
            for j, pattern in enumerate(optional(raw, "regex", list, [], path, where))
        )
        token_patterns = tuple(optional(raw, "token_patterns", list, [], path, where))
        for j, pattern in enumerate(token_patterns):
            if not isinstance(pattern, list) or not all(isinstance(t, dict) for t in pattern):
                raise DataFileError(
                    path, f"{where}.token_patterns[{j}]", "expected a list of token mappings"
                )
        if not regexes and not token_patterns:
            raise DataFileError(path, where, "needs at least one regex or token pattern")
        categories.append(
            RiskCategory(
                id=category_id,
                label=require(raw, "label", str, path, where),
                regexes=regexes,
                token_patterns=token_patterns,
            )
        )
    for slang, meaning in expansions.items():
        if not isinstance(meaning, str) or not str(slang).strip():
            raise DataFileError(path, f"expansions.{slang}", "expected text")
    return RiskRules(
        categories=tuple(categories),
        expansions={str(k).lower(): v.lower() for k, v in expansions.items()},
        exclusions=exclusions,
    )


def _compile(pattern: object, path: Path, field: str) -> re.Pattern[str]:
    if not isinstance(pattern, str):
        raise DataFileError(path, field, "expected a regular expression as text")
    try:
        return re.compile(pattern)
    except re.error as error:
        raise DataFileError(path, field, f"not a valid regular expression: {error}") from None


class RiskDetector:
    """Decides whether a message signals risk, and which kind.

    Args:
        nlp: a spaCy pipeline with a lemmatizer (the project's own, see
            :mod:`bot.core.spacy_pipeline`); used for lemma patterns.
        rules: parsed rules; defaults to the project's rules file.
    """

    def __init__(self, nlp: Language, rules: RiskRules | None = None) -> None:
        from spacy.matcher import Matcher

        self.nlp = nlp
        self.rules = rules or load_rules()
        self._matchers: dict[str, Matcher] = {}
        # One alternation per category: a single search per message instead of one per
        # regex (2-3 times faster); the separate regexes then name the rule that fired.
        self._any_regex: dict[str, re.Pattern[str]] = {
            category.id: re.compile("|".join(f"(?:{source})" for source, _ in category.regexes))
            for category in self.rules.categories
            if category.regexes
        }
        for category in self.rules.categories:
            if category.token_patterns:
                matcher = Matcher(nlp.vocab, validate=True)
                try:
                    matcher.add(category.id, list(category.token_patterns))
                except ValueError as error:
                    raise DataFileError(
                        DEFAULT_RULES_PATH, f"{category.id}.token_patterns", str(error)
                    ) from None
                self._matchers[category.id] = matcher

    def normalise(self, text: str) -> str:
        """The text as the rules see it: plain, lower-case, slang expanded, idioms removed."""
        text = unicodedata.normalize("NFKC", text or "").lower().translate(_APOSTROPHES)
        text = _INVISIBLE.sub("", text)
        text = _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), text)
        text = _STRETCHED_VOWEL.sub(r"\1", text)
        text = _STRETCHED_CONSONANT.sub(r"\1\1", text)
        words = [self.rules.expansions.get(w, w) for w in _WORD.findall(text)]
        text = " ".join(words)
        for exclusion in self.rules.exclusions:
            text = exclusion.sub(" ~ ", text)
        return _SPACES.sub(" ", text).strip()

    def detect(self, text: str) -> RiskMatch | None:
        """The highest-priority risk category the message signals, or ``None``."""
        return self.detect_normalised(self.normalise(text))

    def detect_normalised(self, normalised: str) -> RiskMatch | None:
        """:meth:`detect` for text already through :meth:`normalise` (done once per message)."""
        if not normalised:
            return None
        doc = None
        for category in self.rules.categories:
            any_regex = self._any_regex.get(category.id)
            if any_regex is not None and any_regex.search(normalised):
                for source, regex in category.regexes:
                    if regex.search(normalised):
                        return RiskMatch(category.id, f"regex: {source}")
            matcher = self._matchers.get(category.id)
            if matcher is not None:
                if doc is None:
                    doc = self.nlp(normalised)
                found = matcher(doc)
                if found:
                    _, start, end = found[0]
                    return RiskMatch(category.id, f"tokens: {doc[start:end].text}")
        return None
