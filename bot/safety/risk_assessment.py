"""The safety decision for one message: rules OR model, and when in doubt, the numbers.

Two detectors look at every message: the rules in :mod:`bot.safety.crisis` (exact, and
editable by safeguarding staff) and the learned model in :mod:`bot.safety.risk_model`
(which generalises to words nobody here wrote). Either one is enough for full
signposting. Below that, doubt still gets the numbers, in a softer reply that asks
whether the person is OK: a false alarm costs a line of text, a miss can cost a life.

Levels:
- ``full``: a rule matched, or the model's risk score reached the full threshold;
- ``soft``: the model's score reached the soft threshold, the intent model alone
  suspects risk, or the message is distress emoji with at most a few words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from bot.safety.crisis import DEFAULT_RULES_PATH, RiskDetector, load_rules
from bot.safety.risk_model import ModelSettings, RiskModel, ensure_risk_model, load_settings

FULL = "full"
SOFT = "soft"
# The reason for soft signposting when only the model's score is in doubt; the other
# soft reasons (distress emoji, the intent model's suspicion) always ask "are you OK?".
MODEL_UNSURE = "model (unsure)"
DISTRESS_EMOJI = "distress emoji"

_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class Assessment:
    """What the safety net decided, and why (the reason is logged, never shown)."""

    level: str  # FULL or SOFT
    category: str | None  # a rules category id; None when nothing points to one
    reason: str
    score: float | None = None  # the model's risk score, when it was asked


class SafetyNet:
    """Runs on every message, whatever the intent model thinks; plain Python."""

    def __init__(
        self, detector: RiskDetector, model: RiskModel, model_settings: ModelSettings
    ) -> None:
        self.detector = detector
        self.model = model
        self.settings = model_settings

    @classmethod
    def load(cls, nlp: Language, rules_path: Path = DEFAULT_RULES_PATH) -> SafetyNet:
        """Rules from ``rules_path``; the model trained on the corpus (cached by hash)."""
        detector = RiskDetector(nlp, load_rules(rules_path))
        model_settings = load_settings()
        model, _ = ensure_risk_model(
            detector.normalise,
            rules_path,
            [category.id for category in detector.rules.categories],
            model_settings,
        )
        return cls(detector, model, model_settings)

    def assess(self, text: str | None, intent_model_suspects: bool = False) -> Assessment | None:
        """The signposting ``text`` needs, or ``None`` when it signals no risk."""
        text = text or ""
        normalised = self.detector.normalise(text)
        match = self.detector.detect_normalised(normalised)
        if match is not None:
            return Assessment(FULL, match.category, f"rule {match.rule}")
        if len(_WORDS.findall(text)) < self.settings.min_words_for_model:
            # "no", "sure", "14": a one-word reply says too little for n-grams to judge;
            # one-word risk ("kms", "overdosed") is the rules' job.
            return self._emoji_or_suspicion(text, intent_model_suspects, None)
        risk = self.model.risk_score(text, normalised)
        if risk >= self.settings.full_threshold:
            return Assessment(FULL, self.model.category_of(text, normalised), "model", risk)
        if risk >= self.settings.soft_threshold:
            category = self.model.category_of(text, normalised)
            # Distress emoji always get the check-in ("are you OK?"), whatever the score.
            reason = DISTRESS_EMOJI if self.is_distress_emoji(text) else MODEL_UNSURE
            return Assessment(SOFT, category, reason, risk)
        return self._emoji_or_suspicion(text, intent_model_suspects, risk)

    def signals_risk(self, text: str) -> bool:
        """Whether ``text`` needs any signposting (flags feedback for safeguarding)."""
        return self.assess(text) is not None

    def _emoji_or_suspicion(
        self, text: str, intent_model_suspects: bool, score: float | None
    ) -> Assessment | None:
        if self.is_distress_emoji(text):
            return Assessment(SOFT, None, DISTRESS_EMOJI, score)
        if intent_model_suspects:
            return Assessment(SOFT, None, "intent model only", score)
        return None

    def is_distress_emoji(self, text: str) -> bool:
        """A distress emoji alone or with a few words ("😭😭", "cant anymore 💔")."""
        if not any(emoji in text for emoji in self.settings.distress_emoji):
            return False
        return len(_WORDS.findall(text)) <= self.settings.max_words_with_emoji
