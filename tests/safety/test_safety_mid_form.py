"""Every corpus risk message gets signposting mid-form, through the real model.

A young person halfway through the feedback form or the support form may say
anything: the safety net runs on every message and SafetyPolicy outranks the form.

Rasa's NLU is stateless (what a message parses to does not depend on the
conversation), and SafetyPolicy's decision depends only on that parse. So the
proof has two halves that together cover every message in both forms:
1. every corpus risk message parses to ``risk_signal`` through the trained model;
2. in a real conversation paused at each form's question, messages of every
   category and both levels get the numbers on that very turn (full signposting
   ends the form; soft signposting gives the numbers and lets the form go on).
Each dialogue turn uses its own copy of a paused conversation (copied in the
tracker store, so the form is not replayed for every message).
"""

from __future__ import annotations

import uuid

import pytest
from rasa.shared.core.trackers import DialogueStateTracker

from tests.safety_corpus import corpus_risk_messages, reply_level

pytestmark = pytest.mark.model

FORMS = {
    "feedback_form": "/give_feedback",
    "support_form": "/find_support",
}
# Dialogue turns per category and form: enough to show the policy holds for every
# kind of message, while the parse check above covers every single one.
PER_CATEGORY = 12


def paused_in(chat, form: str) -> list:
    """The events of a conversation waiting for the first answer of ``form``."""
    say = chat.conversation()
    say(FORMS[form])
    tracker = chat.tracker(say.sender)
    assert tracker.active_loop_name == form
    return list(tracker.events)


async def signposted_in_copies(agent, events: list, messages: list[str]) -> list[str]:
    """Send each message in its own copy of the conversation; return the misses."""
    missed = []
    for message in messages:
        sender = f"midform-{uuid.uuid4().hex}"
        copy = DialogueStateTracker.from_events(sender, events, slots=agent.domain.slots)
        await agent.tracker_store.save(copy)
        replies = await agent.handle_text(message, sender_id=sender)
        tracker = await agent.tracker_store.retrieve(sender)
        level = reply_level(replies)
        # Full signposting ends the form; soft gives the numbers and the form carries on.
        if level not in ("full", "soft") or (level == "full" and tracker.active_loop_name):
            missed.append(message)
    return missed


def test_every_corpus_risk_message_parses_as_risk(chat):
    messages = [message for _, message in corpus_risk_messages()]

    async def parse_all() -> list[tuple[str, str]]:
        levels = []
        for message in messages:
            parsed = await chat.agent.parse_message(message)
            level = next(
                (e["value"] for e in parsed["entities"] if e["entity"] == "risk_level"), ""
            )
            levels.append((parsed["intent"]["name"], level))
        return levels

    parsed = chat.loop.run_until_complete(parse_all())
    # Soft signposting alongside another answer keeps the intent model's intent and
    # carries only the level; everything else becomes risk_signal.
    missed = [
        m
        for m, (intent, level) in zip(messages, parsed, strict=True)
        if intent != "risk_signal" and level != "soft"
    ]
    assert missed == [], f"{len(missed)} of {len(messages)} not parsed as risk"
    levels = {level for _, level in parsed}
    assert levels <= {"full", "soft"} and "full" in levels


@pytest.mark.parametrize("form", sorted(FORMS))
def test_risk_messages_of_every_kind_are_signposted_mid_form(chat, form):
    from bot.core.spacy_pipeline import load_pipeline
    from bot.safety.risk_assessment import SafetyNet

    net = SafetyNet.load(load_pipeline())
    risk = corpus_risk_messages()
    sample = []
    for category in sorted({c for c, _ in risk}):
        messages = [m for c, m in risk if c == category]
        soft = [m for m in messages if (a := net.assess(m)) and a.level == "soft"]
        full = [m for m in messages if m not in soft]
        sample += full[:: max(1, len(full) // PER_CATEGORY)][:PER_CATEGORY] + soft[:3]
    events = paused_in(chat, form)
    missed = chat.loop.run_until_complete(signposted_in_copies(chat.agent, events, sample))
    assert missed == [], f"{len(missed)} of {len(sample)} not signposted in {form}"


def test_the_copies_really_were_mid_form(chat):
    """The check above is only meaningful if a calm answer continues the form."""
    events = paused_in(chat, "feedback_form")
    sender = f"midform-{uuid.uuid4().hex}"

    async def answer() -> str | None:
        copy = DialogueStateTracker.from_events(sender, events, slots=chat.agent.domain.slots)
        await chat.agent.tracker_store.save(copy)
        await chat.agent.handle_text("nobody at school listens to me", sender_id=sender)
        return (await chat.agent.tracker_store.retrieve(sender)).active_loop_name

    assert chat.loop.run_until_complete(answer()) == "feedback_form"
