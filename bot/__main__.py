"""The project's command line: ``python -m bot COMMAND``."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build-spacy", help="build the offline spaCy pipeline if missing")
    commands.add_parser("train", help="train the model if its inputs changed; print its path")
    commands.add_parser("model-path", help="print where the current model lives")
    commands.add_parser("run", help="start the Rasa server, action server and web app")
    commands.add_parser("shell", help="chat with the assistant in the terminal")
    risk = commands.add_parser("risk", help="show what the safety net makes of a message")
    risk.add_argument("text")
    commands.add_parser("build-risk", help="train the risk model if its corpus changed")
    commands.add_parser("check-data", help="validate every data file the assistant loads")
    commands.add_parser("build-impact", help="train the impact suggester if its data changed")
    impact = commands.add_parser("impact", help="suggest the Flourish impact of some feedback")
    impact.add_argument("text")
    db = commands.add_parser("db", help="feedback database schema (Alembic)")
    db.add_argument("action", choices=["upgrade", "current"])
    feedback = commands.add_parser("feedback", help="stored feedback")
    feedback_commands = feedback.add_subparsers(dest="feedback_command", required=True)
    export = feedback_commands.add_parser("export", help="write feedback as CSV or JSON")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--impact", action="append", default=[], help="a slug; repeatable")
    export.add_argument("--area", action="append", default=[], help="an area id; repeatable")
    export.add_argument("--since", type=_date, help="YYYY-MM-DD (UTC), inclusive")
    export.add_argument("--until", type=_date, help="YYYY-MM-DD (UTC), exclusive")
    export.add_argument("--flagged", action="store_true", help="only safeguarding-flagged")
    export.add_argument("--output", help="a file to write (default: standard output)")
    staff = commands.add_parser("staff", help="staff accounts for the /staff pages")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    for name, text in (
        ("add-user", "add an account; prompts for the password"),
        ("set-password", "set a new password; prompts for it"),
    ):
        command = staff_commands.add_parser(name, help=text)
        command.add_argument("email")
        command.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
    staff_commands.add_parser("list", help="list accounts")
    for name, text in (("disable", "stop an account signing in"), ("enable", "allow it again")):
        staff_commands.add_parser(name, help=text).add_argument("email")
    commands.add_parser(
        "retention",
        help="remove feedback text and conversations older than the retention settings",
    )
    args = parser.parse_args(argv)

    if args.command == "build-spacy":
        from bot.spacy_pipeline import ensure_pipeline

        print(f"spaCy pipeline: {ensure_pipeline()}")
    elif args.command == "train":
        from bot.model_store import ensure_model

        print(ensure_model())
    elif args.command == "model-path":
        from bot.model_store import model_path

        print(model_path())
    elif args.command == "run":
        from bot.launcher import run

        return run()
    elif args.command == "shell":
        from bot.launcher import shell

        return shell()
    elif args.command == "risk":
        from bot.risk_assessment import SafetyNet
        from bot.spacy_pipeline import load_pipeline

        net = SafetyNet.load(load_pipeline())
        match = net.detector.detect(args.text)
        score = net.model.score(args.text)
        assessment = net.assess(args.text)
        print(f"normalised: {net.detector.normalise(args.text)}")
        print(f"rules: {match.category} ({match.rule})" if match else "rules: no match")
        print(f"model: risk {score.risk:.2f}, most like {score.category}")
        print(
            f"signposting: {assessment.level} ({assessment.category or 'no category'})"
            if assessment
            else "signposting: none"
        )
    elif args.command == "build-risk":
        import time

        from bot.risk_assessment import SafetyNet
        from bot.spacy_pipeline import load_pipeline

        started = time.perf_counter()
        SafetyNet.load(load_pipeline())
        print(f"risk model ready in {time.perf_counter() - started:.1f} s")
    elif args.command == "check-data":
        from bot.data_check import check_all

        return check_all()
    elif args.command == "build-impact":
        from bot.impact_classifier import ensure_classifier, model_file

        ensure_classifier()
        print(f"impact suggester: {model_file()}")
    elif args.command == "impact":
        from bot.impact_classifier import ensure_classifier

        suggestion = ensure_classifier().suggest(args.text)
        print(f"{suggestion.slug} {suggestion.confidence:.2f}")
    elif args.command == "db":
        return _db(args.action)
    elif args.command == "feedback":
        return _export(args)
    elif args.command == "staff":
        from bot.staff_cli import staff_command

        return staff_command(args)
    elif args.command == "retention":
        return _retention()
    return 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-01-31, got {text!r}") from None


def _db(action: str) -> int:
    from bot import db_migrations

    if action == "upgrade":
        print(f"feedback database at revision {db_migrations.upgrade()}")
    else:
        print(db_migrations.current_revision() or "(empty)")
    return 0


def _retention() -> int:
    from bot import settings
    from bot.feedback_store import StoreUnavailable
    from bot.retention import apply_retention

    try:
        result = apply_retention()
    except StoreUnavailable as error:
        print(f"retention: {error}", file=sys.stderr)
        return 1
    days = settings.get("FEEDBACK_TEXT_RETENTION_DAYS")
    print(f"feedback text older than {days} days removed from {result.feedback_texts_removed} "
          "records (the records stay, for the counts)")
    if result.conversations_removed is None:
        print("conversations: the tracker store has no conversations yet")
    else:
        days = settings.get("CONVERSATION_RETENTION_DAYS")
        print(f"conversations: {result.conversations_removed} events older than {days} days "
              "removed from the tracker store")
    return 0


def _export(args: argparse.Namespace) -> int:
    from bot.feedback_export import export
    from bot.feedback_store import FeedbackFilter, FeedbackStore, StoreUnavailable

    try:
        wanted = FeedbackFilter(
            impacts=tuple(args.impact),
            areas=tuple(args.area),
            since=args.since,
            until=args.until,
            flagged=True if args.flagged else None,
        )
    except ValueError as error:
        print(f"feedback export: {error}", file=sys.stderr)
        return 2
    try:
        rows = FeedbackStore.from_settings().find(wanted)
    except StoreUnavailable as error:
        print(f"feedback export: {error}", file=sys.stderr)
        return 1
    text = export(rows, args.format)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        print(f"{len(rows)} records written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
