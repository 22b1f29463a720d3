"""Staff accounts: argon2id password hashes, sign-in with lock-out, disable.

Staff pages show children's words, so an account is the only way in. A run of
failed sign-ins locks the account for a while (the count and the time are
settings), and an unknown email costs the same hash check as a known one, so the
sign-in page does not reveal who has an account.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import ContextManager, Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import settings
from bot.db.base import as_utc, utc_now
from bot.db.sessions import StoreUnavailable, unit_of_work
from bot.staff.audit import record_event
from bot.staff.records import StaffUser

logger = logging.getLogger(__name__)

MIN_PASSWORD_CHARACTERS = 12
MAX_PASSWORD_CHARACTERS = 1024
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{2,}$")
HASHER = PasswordHasher()  # argon2id with the library's RFC 9106 defaults
# Verified against when the email is unknown, so both cases take as long.
_DUMMY_HASH = HASHER.hash("not a real password, only for timing")


class AccountError(ValueError):
    """A request about accounts that cannot be carried out (said plainly to the user)."""


class SignIn(Enum):
    OK = "ok"
    WRONG = "wrong"  # unknown email, wrong password or disabled account: one answer
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignIn
    email: str | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True)
class LockOut:
    """How many failed sign-ins lock an account, and for how long."""

    attempts: int = 5
    minutes: int = 15

    @classmethod
    def from_settings(cls, env: Mapping[str, str] | None = None) -> LockOut:
        return cls(
            attempts=int(settings.get("STAFF_LOCKOUT_ATTEMPTS", env)),
            minutes=int(settings.get("STAFF_LOCKOUT_MINUTES", env)),
        )


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise AccountError(f"{email!r} is not an email address")
    return email


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARACTERS:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_CHARACTERS} characters")
    if len(password) > MAX_PASSWORD_CHARACTERS:
        raise AccountError(f"a password can have at most {MAX_PASSWORD_CHARACTERS} characters")
    if len(set(password)) < 4:
        raise AccountError("that password is too easy to guess")


class StaffAccounts:
    """Accounts in the feedback database; every method is one unit of work."""

    def __init__(self, sessions: sessionmaker, lockout: LockOut | None = None) -> None:
        self.sessions = sessions
        self.lockout = lockout or LockOut()

    def _work(self) -> ContextManager[Session]:
        return unit_of_work(self.sessions)

    def add_user(self, email: str, password: str, by: str = "command line") -> str:
        email = normalise_email(email)
        check_password(password)
        try:
            with self._work() as session:
                session.add(
                    StaffUser(
                        email=email,
                        password_hash=HASHER.hash(password),
                        active=True,
                        created_at=utc_now(),
                        failed_sign_ins=0,
                    )
                )
                record_event(session, by, "account-added", detail={"email": email})
        except StoreUnavailable as error:
            if isinstance(error.__cause__, IntegrityError):
                raise AccountError(f"{email} already has an account") from None
            raise
        return email

    def list_users(self) -> list[StaffUser]:
        with self._work() as session:
            return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))

    def set_active(self, email: str, active: bool, by: str = "command line") -> None:
        """Disable (or enable again) an account; a disabled account signs in nowhere."""
        email = normalise_email(email)
        with self._work() as session:
            user = self._user(session, email)
            if user is None:
                raise AccountError(f"{email} has no account")
            user.active = active
            if not active:
                user.sessions_revoked_at = utc_now()
            user.failed_sign_ins = 0
            user.locked_until = None
            action = "account-enabled" if active else "account-disabled"
            record_event(session, by, action, detail={"email": email})

    def set_password(self, email: str, password: str, by: str = "command line") -> None:
        email = normalise_email(email)
        check_password(password)
        with self._work() as session:
            user = self._user(session, email)
            if user is None:
                raise AccountError(f"{email} has no account")
            user.password_hash = HASHER.hash(password)
            user.failed_sign_ins = 0
            user.locked_until = None
            record_event(session, by, "password-set", detail={"email": email})

    def session_is_valid(self, email: str, started: float) -> bool:
        """Whether a session begun at ``started`` (epoch seconds) may still be used."""
        with self._work() as session:
            user = self._user(session, email)
            if user is None or not user.active:
                return False
            revoked = as_utc(user.sessions_revoked_at)
            return revoked is None or started > revoked.timestamp()

    def revoke_sessions(self, email: str, by: str | None = None) -> None:
        """End every session of the account (signing out does this)."""
        with self._work() as session:
            user = self._user(session, email)
            if user is not None:
                user.sessions_revoked_at = utc_now()
                record_event(session, by or email, "signed-out")

    def sign_in(self, email: str, password: str, now: datetime | None = None) -> SignInResult:
        """Check a password, counting failures towards the lock-out."""
        now = now or utc_now()
        try:
            email = normalise_email(email)
        except AccountError:
            email = ""
        password = password[:MAX_PASSWORD_CHARACTERS]
        with self._work() as session:
            user = self._user(session, email) if email else None
            if user is None or not user.active:
                _verify(_DUMMY_HASH, password)
                record_event(session, email or "(not an email)", "sign-in-failed")
                return SignInResult(SignIn.WRONG)
            locked_until = as_utc(user.locked_until)
            if locked_until and locked_until > now:
                record_event(session, email, "sign-in-while-locked")
                return SignInResult(SignIn.LOCKED, email, locked_until)
            if not _verify(user.password_hash, password):
                return self._failed(session, user, now)
            if HASHER.check_needs_rehash(user.password_hash):
                user.password_hash = HASHER.hash(password)
            user.failed_sign_ins = 0
            user.locked_until = None
            user.last_sign_in_at = now
            record_event(session, email, "signed-in")
            return SignInResult(SignIn.OK, email)

    def _failed(self, session: Session, user: StaffUser, now: datetime) -> SignInResult:
        if user.locked_until is not None:  # an earlier lock has run out: count afresh
            user.failed_sign_ins = 0
            user.locked_until = None
        user.failed_sign_ins += 1
        if user.failed_sign_ins >= self.lockout.attempts:
            user.locked_until = now + timedelta(minutes=self.lockout.minutes)
            record_event(
                session, user.email, "account-locked", detail={"failures": user.failed_sign_ins}
            )
            logger.warning("Staff account locked after %d failed sign-ins", user.failed_sign_ins)
            return SignInResult(SignIn.LOCKED, user.email, user.locked_until)
        record_event(session, user.email, "sign-in-failed")
        return SignInResult(SignIn.WRONG)

    @staticmethod
    def _user(session: Session, email: str) -> StaffUser | None:
        return session.scalar(select(StaffUser).where(StaffUser.email == email))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
