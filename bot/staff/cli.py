"""``python -m bot staff ...``: manage staff accounts from the server's shell.

Accounts are made here, not on the web, so there is no sign-up page to attack.
Passwords are typed at a prompt (never on the command line, where the shell's
history and the process list would keep them), or piped in with --password-stdin.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.db.base import as_utc
from bot.db.sessions import Database, StoreUnavailable
from bot.staff.accounts import AccountError, LockOut, StaffAccounts


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 12 characters): ")
    if getpass.getpass("The same password again: ") != first:
        raise AccountError("the two passwords are different")
    return first


def staff_command(args: argparse.Namespace) -> int:
    database = Database.from_settings()
    accounts = StaffAccounts(database.sessions, LockOut.from_settings())
    try:
        if args.staff_command == "add-user":
            email = accounts.add_user(args.email, _password(args))
            print(f"{email} can now sign in at /staff")
        elif args.staff_command == "set-password":
            accounts.set_password(args.email, _password(args))
            print(f"new password set for {args.email}")
        elif args.staff_command == "list":
            for user in accounts.list_users():
                state = "active" if user.active else "disabled"
                last = as_utc(user.last_sign_in_at)
                seen = f"last signed in {last:%Y-%m-%d %H:%M} UTC" if last else "never signed in"
                print(f"{user.email}\t{state}\t{seen}")
        elif args.staff_command in ("disable", "enable"):
            accounts.set_active(args.email, args.staff_command == "enable")
            print(f"{args.email} {args.staff_command}d")
    except (AccountError, StoreUnavailable) as error:
        print(f"staff {args.staff_command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopped; nothing changed", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    return 0
