"""What the staff pages cost with a realistic amount of feedback, on SQLite and PostgreSQL.

Usage: .venv/bin/python bench/staff_pages.py [--records 20000] [--repeat 20] [--postgres URL]

Fills a fresh database with ``--records`` feedback records (over a year, every
impact and area, 2% flagged), starts the real web app (``python -m bot.web``) on a
free port, signs in, and times the overview, the feedback list, a filtered list,
a record's page, the CSV export of everything, the JSON API, and signing in (argon2id).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from databases import temporary_postgres_schema
from sqlalchemy import insert
from timing import report, timed  # bench/timing.py (the script's folder is on sys.path)

from bot import PROJECT_ROOT, settings
from bot.core.age_bands import AGE_BANDS
from bot.core.flourish import IMPACT_SLUGS
from bot.feedback.records import Feedback
from bot.feedback.store import FeedbackStore
from bot.ops.migrations import upgrade
from bot.staff.accounts import StaffAccounts

PASSWORD = "bench passphrase, not secret"
EMAIL = "bench@example.org"
TEXTS = [
    "my teachers never explain the homework and i'm failing maths",
    "there's nothing to do round here after school",
    "i get so anxious before exams that i can't sleep",
    "people at school make fun of my accent",
]


def fill(url: str, records: int) -> None:
    upgrade(url)
    now = datetime.now(timezone.utc)
    chance = random.Random(7)
    rows = [
        {
            "id": str(uuid.uuid4()),
            "created_at": now - timedelta(minutes=chance.randrange(365 * 24 * 60)),
            "area": chance.choice(["camden", "norfolk", None]),
            "impact": chance.choice(IMPACT_SLUGS),
            "impact_choice": "suggested-confirmed",
            "text": chance.choice(TEXTS),
            "rating": chance.choice([1, 2, 3, 4, 5, None]),
            "age_band": chance.choice([*AGE_BANDS, None]),
            "conversation_hash": uuid.uuid4().hex * 2,
            "safeguarding_flag": chance.random() < 0.02,
            "review_status": chance.choice(["new", "reviewed"]),
        }
        for _ in range(records)
    ]
    store = FeedbackStore(url, b"bench")
    with store.session() as session, session.begin():
        for start in range(0, len(rows), 2000):
            session.execute(insert(Feedback), rows[start : start + 2000])
    StaffAccounts(store.sessions).add_user(EMAIL, PASSWORD)
    store.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_pages(label: str, url: str, records: int, repeat: int) -> None:
    started = time.perf_counter()
    fill(url, records)
    print(f"{label}: {records} records written in {time.perf_counter() - started:.1f} s")
    port = free_port()
    env = settings.process_environment(
        {**os.environ, "DATABASE_URL": url, "WEB_PORT": str(port), "FEEDBACK_HASH_SALT": "b"}
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.web"], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.25)

        def sign_in(_: int) -> requests.Session:
            browser = requests.Session()
            form = browser.get(f"{base}/staff/sign-in").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
            answer = browser.post(
                f"{base}/staff/sign-in",
                data={"csrf_token": token, "email": EMAIL, "password": PASSWORD},
                allow_redirects=False,
            )
            assert answer.status_code == 303, answer.status_code
            return browser

        report(f"sign in, form and argon2 ({label})", timed(sign_in, 10))
        browser = sign_in(0)
        record = re.search(r"/staff/feedback/([0-9a-f-]{36})", browser.get(
            f"{base}/staff/feedback").text).group(1)  # fmt: skip
        pages = {
            "overview": "/staff",
            "feedback list": "/staff/feedback",
            "list, impact+area+rating": "/staff/feedback?impact=learning&area=camden&rating=2",
            "list, page 50": "/staff/feedback?page=50",
            "one record": f"/staff/feedback/{record}",
            "JSON API, 100 items": "/staff/api/feedback",
        }
        for name, path in pages.items():

            def get(_: int, path: str = path) -> None:
                answer = browser.get(base + path)
                assert answer.status_code == 200, (path, answer.status_code)

            report(f"{name} ({label})", timed(get, repeat))
        size = len(browser.get(f"{base}/staff/export.csv").content)
        report(
            f"CSV of all {records} ({size // 1024} KiB) ({label})",
            timed(lambda _: browser.get(f"{base}/staff/export.csv"), max(3, repeat // 5)),
        )
    finally:
        server.terminate()
        server.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        bench_pages("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", args.records, args.repeat)

    with temporary_postgres_schema(args.postgres) as url:
        if url:
            bench_pages("PostgreSQL", url, args.records, args.repeat)

if __name__ == "__main__":
    main()
