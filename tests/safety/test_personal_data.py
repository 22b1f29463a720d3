"""Personal details are removed before feedback is stored: one test per kind."""

from __future__ import annotations

import pytest

from bot.safety.personal_data import scrub


@pytest.mark.parametrize(
    ("text", "kept", "gone", "placeholder"),
    [
        ("my name is Jayden and nobody listens", "nobody listens", "Jayden", "[name]"),
        ("hi my names tia-rose smith", "hi my names", "tia-rose", "[name]"),
        ("i'm called Ola, I hate school", "I hate school", "Ola", "[name]"),
        ("call me Sam please", "please", "Sam", "[name]"),
        ("I'm Tia, my social worker never listens", "my social worker", "Tia", "[name]"),
        ("hi im Kacper and school is hard", "school is hard", "Kacper", "[name]"),
        ("Mr Hughes never listens to me", "never listens", "Hughes", "[name]"),
        ("my friend called Priya Shah helps", "helps", "Priya", "[name]"),
        ("text me on 07700 900123 ok", "text me on", "900123", "[phone]"),
        ("ring +44 7700 900 123", "ring", "7700", "[phone]"),
        ("home is 020-7946-0000", "home is", "7946", "[phone]"),
        ("email me at jo.bloggs+x@example.co.uk thanks", "thanks", "bloggs", "[email]"),
        ("i live in NW1 8NP near the park", "near the park", "8NP", "[postcode]"),
        ("postcode nr13ab", "postcode", "nr13ab", "[postcode]"),
        ("i live at 12 acacia avenue with my mum", "i live at", "acacia", "[address]"),
        ("we're in flat 4 on the estate", "we're in", "flat 4", "[address]"),
        ("my address is the blue house by the church", "my address", "church", "[address]"),
        ("come to 221b Baker Street", "come to", "Baker", "[address]"),
        ("follow me @tia_rose09 on insta", "on insta", "tia_rose09", "[handle]"),
        ("see https://example.com/me and www.mysite.net", "see", "example", "[link]"),
        ("my tiktok is mysite.co.uk/videos", "my tiktok is", "mysite", "[link]"),
        ("born 03/04/2011 so im 15", "so im 15", "2011", "[date]"),
    ],
)
def test_each_kind_of_detail_is_replaced(text, kept, gone, placeholder):
    result = scrub(text)
    assert gone.lower() not in result.text.lower()
    assert placeholder in result.text
    assert kept in result.text
    assert result.changed


@pytest.mark.parametrize(
    "text",
    [
        "nobody at school listens to me",
        "I am 15 and I feel invisible",
        "I'm Muslim and people stare at me",
        "I'm Sorry but nobody listens",
        "i'm sad all the time",
        "this is really hard for me",
        "Childline on 0800 1111 helped",  # a helpline is not personal data
        "i scored 5 out of 10",
        "Year 9 is hard",
    ],
)
def test_ordinary_feedback_is_left_alone(text):
    result = scrub(text)
    assert result.text == text
    assert not result.changed


def test_everything_at_once():
    text = (
        "My name is Jo Bloggs, I live at 3 Mill Lane, NR1 3AB. "
        "Call 07700900123 or jo@example.com or @jobloggs. School is awful."
    )
    result = scrub(text)
    for detail in ("Jo", "Bloggs", "Mill", "NR1", "07700900123", "example.com", "@jobloggs"):
        assert detail not in result.text
    assert result.text.endswith("School is awful.")
    assert set(result.removed) >= {"name", "address", "phone", "email", "handle"}


def test_script_and_sql_text_passes_through_as_plain_text():
    # Escaping is the page's job; scrubbing must not mangle or choke on it.
    for text in ("<script>alert(1)</script>", "'; DROP TABLE feedback; --"):
        assert scrub(text).text == text
