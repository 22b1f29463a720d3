"""The bad-input corpus: what strangers, broken clients and attackers send, as data.

One module, so every surface that takes input runs the same named cases:

- Rasa's REST channel, ``POST /webhooks/rest/webhook`` (``tests/dialogue/test_bad_input_rest.py``);
- the web app's chat gateway, ``POST /chat`` (``tests/web/test_bad_input_gateway.py``);
- every other web app route: chat page, widget assets, health, the staff pages
  (``tests/web/test_bad_input_routes.py``);
- what the chat saves and staff then open in a browser (``tests/staff/test_staff_browser.py``).

A case's name is its test id. The tests say what each surface must answer; this
module only says what is sent. Whatever is sent, the rule is the same everywhere:
an answer or a 4xx, never a 5xx, and the next person's conversation still works.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

FIVE_MB = 5 * 1024 * 1024
REST_MAX_CHARACTERS = 50_000  # a longer message gets 413 from the REST channel
REST_MAX_SENDER = 128  # a longer sender id gets 400 from the REST channel
GATEWAY_MAX_CHARACTERS = 5_000  # a longer message gets 400 from POST /chat

# Messages a person could type or paste, or a client could send as the message string.
MESSAGES: dict[str, str] = {
    "empty": "",
    "spaces": "   ",
    "other-whitespace": "\t\n\u3000\u00a0\r\n",
    "the-word-null": "null",
    "20k-one-word": "x" * 20_000,
    "20k-of-words": "word " * 4_000,
    "50k-at-the-limit": ("abcdefghi " * 5_000),  # exactly REST_MAX_CHARACTERS
    "50k-and-one": ("abcdefghi " * 5_000) + "!",
    "5mb": "x" * FIVE_MB,
    "nul-and-rtl-override": "\u0000\u202e",
    "control-characters": "hi\x00 there\x07\x08\x1b[31m red\x1b[0m\x7f\x9b",
    "zero-width-only": "\u200b\u200c\u200d\u2060\ufeff",
    "zero-width-inside-words": "he\u200bllo, I\u200d need h\u200celp",
    "right-to-left-arabic": "مرحبا كيف حالك",
    "right-to-left-hebrew": "שלום, אני צריך עזרה",
    "right-to-left-override": "\u202eplehdeen I\u202c",
    "chinese": "你好",
    "russian": "Привет",
    "emoji-only": "😀👍🎉",
    "emoji-joined-and-flags": "👨\u200d👩\u200d👧\u200d👦🏳️\u200d🌈🇬🇧",
    "script-tag": "<script>alert('hi')</script>",
    "script-tag-upper-case": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "attribute-break-out": '"><svg onload=alert(1)>',
    "javascript-link": "javascript:alert(document.cookie)",
    "template-syntax": "{{7*7}} ${7*7} {% if 1 %}x{% endif %} #{7*7}",
    "format-string": "%s%s%s%n {0} {sender} %(text)s",
    "sql-drop": "'; DROP TABLE events; --",
    "sql-or": "' OR '1'='1' --",
    "payload-intent": "/greet",
    "payload-with-entities": '/inform{"choice": "norfolk"}',
    "payload-broken-json": "/inform{not json",
    "payload-unknown-intent": "/no_such_intent",
    "payload-restart": "/restart",
    "payload-session-start": "/session_start",
    "payload-bare-slash": "/",
    "payload-fallback": "/nlu_fallback",
    "payload-setting-slots": (
        '/inform{"feedback_text": "<script>alert(1)</script>", "feedback_consent": "yes"}'
    ),
    "payload-deeply-nested": "/inform" + '{"a": ' * 500 + "1" + "}" * 500,
}

ID = "<id>"  # the surface's conversation-id field: "sender" (REST) or "session_id" (/chat)
FRESH = "<fresh>"  # a new conversation id, made for each request


@dataclass(frozen=True)
class Body:
    """A request body as sent, with ``ID`` and ``FRESH`` filled in per surface and request."""

    raw: bytes
    content_type: str = "application/json"

    def to(self, id_field: str, conversation: str) -> bytes:
        return self.raw.replace(ID.encode(), id_field.encode()).replace(
            FRESH.encode(), conversation.encode()
        )


def as_json(value: Any, content_type: str = "application/json") -> Body:
    return Body(json.dumps(value).encode(), content_type)


def turn(**extra: Any) -> Body:
    """A well-formed turn saying "hi", plus ``extra`` fields."""
    return as_json({ID: FRESH, "message": "hi", **extra})


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# Bodies that are not a JSON object: 400 with {"error": ...} on both chat surfaces.
NOT_A_TURN: dict[str, Body] = {
    "not-json": Body(b"{not json"),
    "empty-body": Body(b""),
    "truncated-json": Body(b'{"<id>": "<fresh>", "message": "hi'),
    "json-list": as_json(["a", "b"]),
    "json-string": as_json("hi"),
    "json-number": as_json(42),
    "json-null": as_json(None),
    "invalid-utf8": Body(b'{"<id>": "<fresh>", "message": "\xff\xfe hi \xc3\x28"}'),
    "utf16-encoded": Body('{"message": "hi"}'.encode("utf-16")),
    "form-encoded": Body(b"<id>=<fresh>&message=hi", "application/x-www-form-urlencoded"),
    "multipart": Body(
        b'--b\r\nContent-Disposition: form-data; name="message"\r\n\r\nhi\r\n--b--\r\n',
        "multipart/form-data; boundary=b",
    ),
}

# A conversation id that is missing, the wrong type, empty, too long or unprintable: 400.
BAD_IDS: dict[str, Body] = {
    "id-missing": as_json({"message": "hi"}),
    "id-number": as_json({ID: 42, "message": "hi"}),
    "id-list": as_json({ID: ["a"], "message": "hi"}),
    "id-object": as_json({ID: {"id": "a"}, "message": "hi"}),
    "id-null": as_json({ID: None, "message": "hi"}),
    "id-true": as_json({ID: True, "message": "hi"}),
    "id-empty": as_json({ID: "", "message": "hi"}),
    "id-129-characters": as_json({ID: "s" * (REST_MAX_SENDER + 1), "message": "hi"}),
    "id-10000-characters": as_json({ID: "s" * 10_000, "message": "hi"}),
    "id-newline": as_json({ID: "abcdefgh\nforged log line", "message": "hi"}),
    "id-nul": as_json({ID: "abcdefgh\x00", "message": "hi"}),
    "id-escape-sequence": as_json({ID: "abcdefgh\x1b[2J", "message": "hi"}),
}

# A message that is not a string: 400.
BAD_MESSAGES: dict[str, Body] = {
    "message-missing": as_json({ID: FRESH}),
    "message-number": as_json({ID: FRESH, "message": 42}),
    "message-huge-number": Body(b'{"<id>": "<fresh>", "message": 1e400}'),
    "message-true": as_json({ID: FRESH, "message": True}),
    "message-list": as_json({ID: FRESH, "message": ["hi"]}),
    "message-object": as_json({ID: FRESH, "message": {"text": "hi"}}),
    "message-null": as_json({ID: FRESH, "message": None}),
}

MARKER = "injected-marker-7f3e"  # must never reach a conversation's tracker

# Fields a client has no business setting: ignored, so 200 with the usual replies,
# and nothing of them (MARKER) reaches the conversation.
IGNORED_FIELDS: dict[str, Body] = {
    "unknown-fields": turn(foo=1, bar={"baz": [MARKER]}, __proto__={"admin": True}),
    "metadata": turn(metadata={"area": "norfolk", "marker": MARKER, "is_staff": True}),
    "metadata-a-string": turn(metadata=MARKER),
    "metadata-a-list": turn(metadata=[MARKER]),
    "custom-data": turn(customData={"area": "norfolk", "marker": MARKER}),
    "custom-data-in-metadata": turn(metadata={"customData": {"marker": MARKER}}),
    "input-channel": turn(input_channel=f"socketio-{MARKER}"),
    "parse-data": turn(
        parse_data={"intent": {"name": "affirm", "confidence": 1.0}, "text": MARKER}
    ),
    "message-id": turn(message_id=MARKER),
}

# Odd but readable: an answer, or a 400 that says why; never a 5xx or silence.
ODD_BODIES: dict[str, Body] = {
    "lone-surrogate-escape": Body(b'{"<id>": "<fresh>", "message": "hi \\ud800 there"}'),
    "byte-order-mark": Body(b"\xef\xbb\xbf" + json.dumps({ID: FRESH, "message": "hi"}).encode()),
    "duplicate-keys": Body(b'{"<id>": "<fresh>", "message": "hi", "message": "hello"}'),
    "json-as-text-plain": as_json({ID: FRESH, "message": "hi"}, "text/plain"),
    "no-content-type": as_json({ID: FRESH, "message": "hi"}, ""),
    # An unknown field 30,000 lists deep: Python's json gives up with RecursionError,
    # which is not a ValueError.
    "nested-30000-deep": Body(
        b'{"<id>": "<fresh>", "message": "hi", "x": ' + nested(30_000).encode() + b"}"
    ),
}

# The flood: this many messages from one conversation at once.
FLOOD_MESSAGES = 1_000
RATE_LIMITED = "You're sending messages faster than I can read them."

_addresses = itertools.count(1)


def stranger() -> str:
    """A client address of its own for one test (10.0.0.0/8, never loopback).

    The servers rate-limit by client address as well as by conversation, and trust
    X-Forwarded-For from a loopback peer. Each corpus case comes from its own
    address, so no case (and no other test module, all on 127.0.0.1) uses up
    another's budget; the flood tests are where the limits themselves are tested.
    """
    n = next(_addresses)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def stranger_headers(content_type: str = "application/json") -> dict[str, str]:
    headers = {"X-Forwarded-For": stranger()}
    if content_type:
        headers["Content-Type"] = content_type
    return headers


# The staff pages ------------------------------------------------------------------

# Query-string values, already percent-encoded as they travel. Each is given to every
# parameter any staff page reads, at once (see ``QUERY_PARAMETERS``).
QUERY_VALUES: dict[str, str] = {
    "invalid-utf8-escapes": "%ff%fe",
    "encoded-surrogate": "%ed%a0%80",
    "truncated-escape": "%e2%82",
    "bare-percent": "%",
    "nul": "%00",
    "empty": "",
    "minus-one": "-1",
    "zero": "0",
    "not-a-number": "abc",
    "unicode-digit": "%C2%B2",  # "²": str.isdigit() says yes, int() says no
    "arabic-digits": "%D9%A1%D9%A2",  # "١٢"
    "huge-number": "9" * 40,
    "float": "1.5",
    "exponent": "1e9",
    "impossible-date": "2026-13-45",
    "last-date-there-is": "9999-12-31",
    "first-date-there-is": "0001-01-01",
    "date-with-time": "2026-01-31T25:61",
    "script": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "quote-break-out": "%22%3E%3Csvg%20onload%3Dalert(1)%3E",
    "sql": "1%27%20OR%20%271%27%3D%271",
    "long-value": "x" * 6_000,  # under aiohttp's 8,190-byte request line
}
QUERY_PARAMETERS = (
    "page", "per_page", "impact", "area", "from", "to", "rating", "age_band",
    "flagged", "reviewed", "next", "signed_out", "colour",
)  # fmt: skip

# Whole query strings that are odd in themselves.
RAW_QUERIES: dict[str, str] = {
    "only-invalid-escapes": "%ff%fe",
    "only-ampersands": "&&&==&=",
    "repeated-1000-times": "&".join(["impact=learning"] * 500 + ["page=2"] * 500)[:8_000],
    "unknown-filters": "colour=red&sort=desc&limit=99999&format=xml",
    "array-syntax": "impact[]=learning&impact[0]=healthy&page[gt]=1",
    "semicolons": "impact=learning;page=2",
    "huge": "x=" + "y" * 100_000,  # over the request-line limit: 4xx before any handler
}

# Path segments where a record id goes (/staff/feedback/{id}, /staff/we-did/{id}/withdraw).
BAD_IDS_IN_PATHS: dict[str, str] = {
    "nul": "%00",
    "invalid-utf8": "%ff%fe",
    "encoded-surrogate": "%ed%a0%80",
    "unicode-digit": "%C2%B2",
    "minus-one": "-1",
    "huge-number": "9" * 40,
    "5000-characters": "x" * 5_000,
    "sql": "1%27%20OR%20%271%27%3D%271",
    "script": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "encoded-traversal": "..%2F..%2Fsettings.py",
}

# Paths that try to climb out of the static files.
TRAVERSALS: dict[str, str] = {
    "dot-dot": "/static/../app.py",
    "encoded-dots": "/static/%2e%2e/%2e%2e/settings.py",
    "encoded-slash": "/static/..%2f..%2fsettings.py",
    "double-encoded": "/static/%252e%252e/%252e%252e/settings.py",
    "backslash": "/static/..\\..\\settings.py",
    "etc-passwd": "/static/../../../../../../etc/passwd",
    "absolute-after-static": "/static//etc/passwd",
    "nul-after-asset": "/widget.js%00.py",
    "past-an-asset": "/static/widget.css/../../app.py",
    "under-staff": "/staff/..%2f..%2fbot/settings.py",
    "overlong-utf8-dot": "/static/%c0%ae%c0%ae/settings.py",
}

# Form bodies for every POST route. ``CSRF`` is replaced with the session's token, so
# the body reaches the handler; the CSRF-less cases are separate.
CSRF = "<csrf>"


@dataclass(frozen=True)
class Form:
    raw: bytes
    content_type: str = "application/x-www-form-urlencoded"

    def to(self, token: str) -> bytes:
        return self.raw.replace(CSRF.encode(), token.encode())


FORMS: dict[str, Form] = {
    "only-the-token": Form(b"csrf_token=<csrf>"),
    "all-fields-empty": Form(
        b"csrf_token=<csrf>&email=&password=&next=&note=&impact=&reviewed=&area=&you_said=&we_did="
    ),
    "invalid-utf8-escapes": Form(
        b"csrf_token=<csrf>&email=%ff%fe&password=%ff&note=%ff%fe&impact=%ff"
        b"&you_said=%ff%fe&we_did=%ed%a0%80&area=%ff"
    ),
    "raw-invalid-utf8": Form(
        b"csrf_token=<csrf>&email=\xff\xfe&note=\xff\xfe\xc3\x28&you_said=\xff&we_did=\xfe"
    ),
    "nul-characters": Form(
        b"csrf_token=<csrf>&email=a%00b%40example.org&password=%00&note=a%00b&impact=learning%00"
        b"&you_said=Exams%00&we_did=Quiet%00rooms&area=%00&next=%2Fstaff%00"
    ),
    "script-values": Form(
        b"csrf_token=<csrf>&email=%3Cscript%3E&note=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
        b"&impact=%3Cscript%3E&you_said=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"
        b"&we_did=%22%3E%3Csvg%20onload%3Dalert(1)%3E&area=%3Cscript%3E"
        b"&next=javascript%3Aalert(1)"
    ),
    "wrong-types": Form(
        b"csrf_token=<csrf>&reviewed[]=yes&impact=1&impact=2&area[x]=1&note=&note=again"
    ),
    "60k-field": Form(b"csrf_token=<csrf>&note=" + b"x" * 60_000 + b"&we_did=" + b"y" * 2_000),
    "5mb": Form(b"csrf_token=<csrf>&note=" + b"x" * FIVE_MB),
    "json-body": Form(b'{"csrf_token": "<csrf>", "note": "hi"}', "application/json"),
    "text-plain": Form(b"csrf_token=<csrf>&note=hi", "text/plain"),
    "no-content-type": Form(b"csrf_token=<csrf>&note=hi", ""),
    "unknown-charset": Form(
        b"csrf_token=<csrf>&note=hi", "application/x-www-form-urlencoded; charset=no-such"
    ),
    "utf16-charset": Form(
        "csrf_token=<csrf>&note=hi".encode("utf-16"),
        "application/x-www-form-urlencoded; charset=utf-16",
    ),
    "multipart-without-boundary": Form(b"csrf_token=<csrf>", "multipart/form-data"),
    "multipart-broken": Form(b"--b\r\nnonsense\r\n", "multipart/form-data; boundary=b"),
    "multipart-nameless-part": Form(
        b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n",
        "multipart/form-data; boundary=b",
    ),
}

# What staff open ---------------------------------------------------------------------

# Feedback a young person could type in the chat that would run in a staff member's
# browser if a page did not escape it, or in their spreadsheet if the CSV export did
# not neutralise it. "{m}" is replaced by a marker that finds the record again.
HOSTILE_FEEDBACK: dict[str, str] = {
    "script": "<script>alert('script {m}')</script>",
    "img-onerror": "<img src=x onerror=alert('img {m}')> {m}",
    "attribute-break-out": "\"'><svg onload=alert('svg {m}')> {m}",
    "javascript-link": (
        "<a href=\"javascript:alert('link {m}')\">read this</a> javascript:alert(1) {m}"
    ),
    "iframe-srcdoc": (
        "</blockquote><iframe srcdoc=\"<script>alert('iframe {m}')</script>\"></iframe> {m}"
    ),
    "closing-tags": "</textarea></title></td></table><script>alert('closing {m}')</script>",
    "style-and-meta": (
        "<style>body{display:none}</style>"
        "<meta http-equiv=refresh content=\"0;url=javascript:alert('meta {m}')\"> {m}"
    ),
    "template-syntax": "{{7*7}} ${7*7} {% raw %} {m}",
    "control-and-bidi": "hello\x00 w\u202eorld\u200b\x1b[2J {m}",
}
FORMULA_FEEDBACK: dict[str, str] = {
    "equals": "=cmd|' /C calc'!A0 {m}",
    "plus": "+SUM(1,2)*cmd|' /C calc'!A0 {m}",
    "minus": "-2+3+cmd|' /C calc'!A0 {m}",
    "at": "@(1+1)*cmd|' /C calc'!A0 {m}",
    "tab-then-equals": "\t=1+1 {m}",
}
# How a spreadsheet knows a cell is a formula (OWASP's list): the export must not start
# any cell with one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
