"""The fault lines are data, checked at start-up, and always give a number to call."""

from __future__ import annotations

import pytest

from bot.core.data_files import DataFileError
from bot.core.fault_replies import load_fault_replies


def test_the_shipped_wording_loads_and_gives_help_now():
    replies = load_fault_replies()
    assert "try again" in replies.try_again.lower() and "0800 1111" in replies.try_again
    assert "0800 1111" in replies.too_fast
    assert "5,000" in replies.too_long(5000)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("try_again: Try again.\ntoo_fast: x 0800 1111\ntoo_long: '{limit}'\n"
         "bad_request: b\nno_reply: n\n", "try_again"),
        ("try_again: 0800 1111\ntoo_fast: x 0800 1111\ntoo_long: long\n"
         "bad_request: b\nno_reply: n\n", "too_long"),
        ("try_again: 0800 1111\ntoo_fast: x 0800 1111\ntoo_long: '{limit}'\n", "bad_request"),
    ],
)  # fmt: skip
def test_a_bad_edit_names_the_file_and_field(tmp_path, text, field):
    path = tmp_path / "when_things_go_wrong.yml"
    path.write_text(text)
    with pytest.raises(DataFileError) as error:
        load_fault_replies(path)
    assert error.value.field == field and str(path) in str(error.value)
