"""Recognising empty, unreadable and over-long input, without Rasa."""

from __future__ import annotations

import pytest

from bot.safety.input_guard import InputShape, classify, trim


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None, "?", "...!!!", "\u200b"])
def test_empty(text):
    assert classify(text) is InputShape.EMPTY


@pytest.mark.parametrize("text", ["مرحبا كيف حالك", "你好", "Привет", "नमस्ते", "こんにちは"])
def test_other_scripts(text):
    assert classify(text) is InputShape.OTHER_LANGUAGE


@pytest.mark.parametrize(
    "text",
    [
        "hi",
        "hi 😀",
        "café au lait",
        "I said Привет to my friend",
        "x" * 20000,
        "<script>",
        "0800 1111",
    ],
)
def test_readable(text):
    """Emoji among words, accents and the odd foreign word are content."""
    assert classify(text) is InputShape.OK


@pytest.mark.parametrize("text", ["😀", "👍👍", "😭 😭", "❤️", "🏳️‍🌈"])
def test_emoji_only(text):
    """A message of emoji alone gets its own answer, not a guess at an intent."""
    assert classify(text) is InputShape.EMOJI


def test_trim_keeps_short_text():
    assert trim("hello", 10) == "hello"


def test_trim_cuts_at_a_word_boundary():
    assert trim("one two three four", 12) == "one two"


def test_trim_cuts_unbroken_text_hard():
    assert trim("x" * 50, 10) == "x" * 10
