"""The one Rasa release our changes to Rasa's own internals were read against.

Four modules here replace a piece of Rasa 3.6's internals (a failed action's
answer, the fail-safe tracker store, action-result checking, model loading).
Internals change between releases without notice, so each applies only on the
release it was written for, and otherwise says once, at start-up, what the
assistant does without it.
"""

from __future__ import annotations

import logging

import rasa

logger = logging.getLogger(__name__)

PATCHED_RASA = "3.6."


def is_patched_rasa(without_the_change: str) -> bool:
    """Whether this is that release; if not, log ``without_the_change`` (what happens instead)."""
    if rasa.__version__.startswith(PATCHED_RASA):
        return True
    logger.warning(
        "Rasa %s: %s (written for %sx).", rasa.__version__, without_the_change, PATCHED_RASA
    )
    return False
