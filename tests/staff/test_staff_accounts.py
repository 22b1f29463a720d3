"""Staff accounts on real databases: argon2id hashes, lock-out, disable, session revocation."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import PROJECT_ROOT, settings
from bot.db.base import utc_now
from bot.db.sessions import StoreUnavailable
from bot.feedback.store import FeedbackStore
from bot.staff.accounts import AccountError, LockOut, SignIn, StaffAccounts
from bot.staff.records import AuditEvent, StaffUser
from tests.processes import free_port

PASSWORD = "a long enough passphrase"


@pytest.fixture
def accounts(database_url):
    store = FeedbackStore(database_url, b"salt")
    yield StaffAccounts(store.sessions, LockOut(attempts=3, minutes=15))
    store.dispose()


def actions(accounts: StaffAccounts) -> list[str]:
    with accounts.sessions() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_passwords_are_stored_as_argon2id_hashes_only(accounts):
    """The database holds an argon2id hash with its parameters, never the password."""
    accounts.add_user("Sam@Example.org", PASSWORD)
    with accounts.sessions() as session:
        user = session.scalar(select(StaffUser))
    assert user.email == "sam@example.org"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert accounts.sign_in("sam@example.org", PASSWORD).outcome is SignIn.OK
    assert accounts.sign_in(" SAM@example.org ", PASSWORD).outcome is SignIn.OK


@pytest.mark.parametrize(
    "email, password, problem",
    [
        ("not-an-email", PASSWORD, "not an email"),
        ("a@example.org", "short", "at least 12"),
        ("a@example.org", "aaaaaaaaaaaaaaaa", "too easy"),
    ],
)
def test_bad_accounts_are_refused_plainly(accounts, email, password, problem):
    with pytest.raises(AccountError, match=problem):
        accounts.add_user(email, password)


def test_an_email_has_one_account(accounts):
    accounts.add_user("sam@example.org", PASSWORD)
    with pytest.raises(AccountError, match="already has an account"):
        accounts.add_user("SAM@example.org", PASSWORD)


def test_wrong_unknown_and_disabled_all_get_the_same_answer(accounts):
    accounts.add_user("sam@example.org", PASSWORD)
    assert accounts.sign_in("sam@example.org", "wrong password!!").outcome is SignIn.WRONG
    assert accounts.sign_in("nobody@example.org", PASSWORD).outcome is SignIn.WRONG
    assert accounts.sign_in("", "").outcome is SignIn.WRONG
    accounts.set_active("sam@example.org", False)
    assert accounts.sign_in("sam@example.org", PASSWORD).outcome is SignIn.WRONG
    accounts.set_active("sam@example.org", True)
    assert accounts.sign_in("sam@example.org", PASSWORD).outcome is SignIn.OK


def test_repeated_failures_lock_the_account_even_against_the_right_password(accounts):
    accounts.add_user("sam@example.org", PASSWORD)
    now = utc_now()
    outcomes = [accounts.sign_in("sam@example.org", "wrong", now).outcome for _ in range(3)]
    assert outcomes == [SignIn.WRONG, SignIn.WRONG, SignIn.LOCKED]
    locked = accounts.sign_in("sam@example.org", PASSWORD, now + timedelta(minutes=14))
    assert locked.outcome is SignIn.LOCKED and locked.locked_until is not None
    later = now + timedelta(minutes=16)
    assert accounts.sign_in("sam@example.org", PASSWORD, later).outcome is SignIn.OK
    assert "account-locked" in actions(accounts)


def test_after_a_lock_runs_out_failures_count_afresh(accounts):
    accounts.add_user("sam@example.org", PASSWORD)
    now = utc_now()
    for _ in range(3):
        accounts.sign_in("sam@example.org", "wrong", now)
    later = now + timedelta(minutes=16)
    assert accounts.sign_in("sam@example.org", "wrong", later).outcome is SignIn.WRONG


def test_signing_out_or_disabling_ends_sessions_that_began_before(accounts):
    accounts.add_user("sam@example.org", PASSWORD)
    started = utc_now().timestamp()
    assert accounts.session_is_valid("sam@example.org", started)
    accounts.revoke_sessions("sam@example.org")
    assert not accounts.session_is_valid("sam@example.org", started)
    assert accounts.session_is_valid("sam@example.org", utc_now().timestamp() + 1)
    accounts.set_active("sam@example.org", False)
    assert not accounts.session_is_valid("sam@example.org", utc_now().timestamp() + 1)
    assert not accounts.session_is_valid("nobody@example.org", started)


def test_account_changes_and_sign_ins_are_audited(accounts):
    accounts.add_user("sam@example.org", PASSWORD)
    accounts.sign_in("sam@example.org", PASSWORD)
    accounts.sign_in("sam@example.org", "wrong")
    accounts.set_password("sam@example.org", "another long passphrase")
    accounts.set_active("sam@example.org", False)
    assert actions(accounts) == [
        "account-added",
        "signed-in",
        "sign-in-failed",
        "password-set",
        "account-disabled",
    ]


def test_a_database_that_is_down_is_reported_not_hidden():
    store = FeedbackStore(f"postgresql://postgres@127.0.0.1:{free_port()}/nothing", b"s")
    accounts = StaffAccounts(store.sessions)
    with pytest.raises(StoreUnavailable):
        accounts.sign_in("sam@example.org", PASSWORD)
    with pytest.raises(StoreUnavailable):
        accounts.session_is_valid("sam@example.org", 0.0)


def test_the_staff_command_adds_lists_and_disables(tmp_path):
    from bot.ops.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'feedback.db'}"
    upgrade(url)
    env = settings.process_environment({"DATABASE_URL": url, "FEEDBACK_HASH_SALT": "x"})

    def staff(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot", "staff", *args],
            input=stdin, capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=120,
        )  # fmt: skip

    added = staff("add-user", "Sam@Example.org", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "sam@example.org can now sign in" in added.stdout
    again = staff("add-user", "sam@example.org", "--password-stdin", stdin=PASSWORD + "\n")
    assert again.returncode == 1 and "already has an account" in again.stderr
    weak = staff("add-user", "kim@example.org", "--password-stdin", stdin="short\n")
    assert weak.returncode == 1 and "at least 12" in weak.stderr
    assert staff("disable", "sam@example.org").returncode == 0
    listing = staff("list").stdout
    assert "sam@example.org\tdisabled\tnever signed in" in listing
    assert "kim@example.org" not in listing
