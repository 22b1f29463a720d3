"""The ORUK services directory: the shipped files, validation, and an API source."""

from __future__ import annotations

import copy
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from bot import PROJECT_ROOT
from bot.core.data_files import DataFileError
from bot.support.directory import load_directory, load_from_api, load_needs

AREAS = ("camden", "norfolk")
SERVICES_DIR = PROJECT_ROOT / "data" / "services"
DRAMA_NUMBERS = re.compile(r"^(020 7946 0\d{3}|01632 960\d{3})$")  # Ofcom's ranges for fiction


@pytest.fixture(scope="module")
def services():
    return load_directory(known_areas=AREAS, examples=True)


@pytest.fixture(scope="module")
def needs():
    return load_needs()


def test_the_needs_taxonomy_covers_what_families_ask_about(needs):
    ids = {need.id for need in needs.items}
    assert ids == {
        "mental-health", "bullying", "family-and-parenting", "money-and-food", "housing",
        "send-and-disability", "drugs-and-alcohol", "sexual-health-and-relationships", "lgbtq",
        "young-carers", "online-safety", "activities-and-clubs", "school-and-learning",
        "jobs-and-training",
    }  # fmt: skip
    for need in needs.items:
        assert need.impact and need.camden_outcome and need.words


def test_every_need_has_services_in_every_area(services, needs):
    for need in needs.items:
        for area in AREAS:
            serving = [
                s for s in services if need.id in s.needs and (not s.areas or area in s.areas)
            ]
            assert serving, f"{need.id} in {area}"


def test_example_entries_are_left_out_by_default(services):
    assert any(s.example for s in services)
    assert not any(s.example for s in load_directory(known_areas=AREAS))


def test_example_entries_are_marked_and_cannot_reach_anyone(services):
    examples = [s for s in services if s.example]
    assert {area for s in examples for area in s.areas} == set(AREAS)
    for service in examples:
        assert "Example" in service.name and "EXAMPLE ENTRY" in service.description
        assert all(DRAMA_NUMBERS.match(phone.number) for phone in service.phones), service.id
    national = [s for s in services if not s.example]
    assert {"childline", "shout", "samaritans", "nhs-111", "nspcc-helpline"} <= {
        s.id for s in national
    }
    childline = next(s for s in national if s.id == "childline")
    assert childline.phones[0].number == "0800 1111" and childline.maximum_age == 18


def write_directory(tmp_path, mutate):
    data = json.loads((SERVICES_DIR / "national.json").read_text())
    mutate(data["services"])
    (tmp_path / "services.json").write_text(json.dumps(data))
    return tmp_path


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda s: s[0]["phones"][0].update(number="call us"), "services[0].phones[0].number"),
        (lambda s: s[1].pop("name"), "services[1].name"),
        (lambda s: s[2]["organization"].pop("name"), "services[2].organization.name"),
        (lambda s: s[0]["schedules"][0].update(byday="XX"), "services[0].schedules[0].byday"),
        (
            lambda s: s[0]["attributes"].append(
                {"taxonomy_term": {"id": "unicorns", "vocabulary": "flourish-needs"}}
            ),
            "services[0].attributes",
        ),
        (lambda s: s[3].update(maximum_age="old"), "services[3].maximum_age"),
        (lambda s: s.append(copy.deepcopy(s[0])), "service childline"),
    ],
)
def test_mistakes_name_the_file_and_field(tmp_path, mutate, field):
    folder = write_directory(tmp_path, mutate)
    with pytest.raises(DataFileError) as caught:
        load_directory(folder, known_areas=AREAS)
    assert caught.value.field == field
    assert str(caught.value).startswith(str(folder))


class OrukApi(BaseHTTPRequestHandler):
    """A tiny ORUK v3 API: GET /services?page=N, two services per page."""

    records: list = []

    def do_GET(self):  # noqa: N802 (the stdlib's name)
        url = urlparse(self.path)
        if url.path != "/services":
            self.send_error(404)
            return
        page = int(parse_qs(url.query).get("page", ["1"])[0])
        per_page = 2
        total_pages = -(-len(self.records) // per_page)
        body = json.dumps(
            {
                "total_items": len(self.records),
                "total_pages": total_pages,
                "page_number": page,
                "size": per_page,
                "contents": self.records[(page - 1) * per_page : page * per_page],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def oruk_api():
    OrukApi.records = json.loads((SERVICES_DIR / "national.json").read_text())["services"][:5]
    server = ThreadingHTTPServer(("127.0.0.1", 0), OrukApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_an_oruk_api_replaces_the_files(oruk_api, monkeypatch):
    services = load_from_api(oruk_api, known_areas=AREAS)
    assert [s.id for s in services] == [r["id"] for r in OrukApi.records]  # all three pages

    from bot.support.directory import load_services

    monkeypatch.setenv("SERVICES_API_URL", oruk_api)
    assert len(load_services(known_areas=AREAS)) == 5


def test_an_api_that_cannot_be_read_is_named(oruk_api):
    with pytest.raises(DataFileError, match="could not read the ORUK API"):
        load_from_api(oruk_api + "/missing", known_areas=AREAS)
