"""Sample feedback records for tests that need some in a database."""

from __future__ import annotations

import uuid

from bot.feedback.store import FeedbackStore, NewFeedback


def sample_feedback(**changes) -> NewFeedback:
    """A typical record; ``changes`` override any field."""
    values = {
        "id": str(uuid.uuid4()),
        "conversation_id": f"chat-{uuid.uuid4().hex}",
        "text": "nobody at school listens to me",
        "impact": "understood",
        "impact_choice": "suggested-confirmed",
        "rating": 2,
        "age_band": "11-15",
        "area": "camden",
    }
    values.update(changes)
    return NewFeedback(**values)


def save(store: FeedbackStore, **changes) -> str:
    """Save a sample record through the store (so it is scrubbed and hashed); its id."""
    return store.save(sample_feedback(**changes)).id


def unique_marker(length: int = 8) -> str:
    """A tag that makes one test's message findable, in letters that read as no word.

    Random hex does not do: the safety net reads digits as letters, so "0d8c41"
    became "od" (overdose) and the test got the crisis reply instead of the form.
    """
    alphabet = "bcfghjkmnpqrvwxz"
    number = uuid.uuid4().int
    letters = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        letters.append(alphabet[index])
    return "".join(letters)
