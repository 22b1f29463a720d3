"""The project's command line: ``python -m bot COMMAND``."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from typing import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

Handler = Callable[[argparse.Namespace], int]


def main(argv: list[str] | None = None) -> int:
    from bot.ops.databases import owner_only_files

    owner_only_files()
    args = parser().parse_args(argv)
    return args.handler(args) or 0


def parser() -> argparse.ArgumentParser:
    """Every sub-command, each with the handler that carries it out."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Handler, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text)
        sub.set_defaults(handler=handler)
        return sub

    command("build-spacy", _build_spacy, "build the spaCy pipeline and word list if missing")
    command("train", _train, "train the model if its inputs changed; print its path")
    command("model-path", _model_path, "print where the current model lives")
    command("run", _run, "start the Rasa server, action server and web app")
    command("shell", _shell, "chat with the assistant in the terminal")
    command("risk", _risk, "show what the safety net makes of a message").add_argument("text")
    command("build-risk", _build_risk, "train the risk model if its corpus changed")
    command("check-data", _check_data, "validate every data file the assistant loads")
    command("build-impact", _build_impact, "train the impact suggester if its data changed")
    command("build-needs", _build_needs, "train find-support's need classifier if missing")
    impact = command("impact", _impact, "suggest the Flourish impact of some feedback")
    impact.add_argument("text")
    db = command("db", _db, "feedback database schema (Alembic)")
    db.add_argument("action", choices=["upgrade", "current"])
    feedback = command("feedback", _export, "stored feedback")
    feedback_commands = feedback.add_subparsers(dest="feedback_command", required=True)
    export = feedback_commands.add_parser("export", help="write feedback as CSV or JSON")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--impact", action="append", default=[], help="a slug; repeatable")
    export.add_argument("--area", action="append", default=[], help="an area id; repeatable")
    export.add_argument("--since", type=_date, help="YYYY-MM-DD (UTC), inclusive")
    export.add_argument("--until", type=_date, help="YYYY-MM-DD (UTC), exclusive")
    export.add_argument("--flagged", action="store_true", help="only safeguarding-flagged")
    export.add_argument("--output", help="a file to write (default: standard output)")
    staff = command("staff", _staff, "staff accounts for the /staff pages")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    for name, text in (
        ("add-user", "add an account; prompts for the password"),
        ("set-password", "set a new password; prompts for it"),
    ):
        account = staff_commands.add_parser(name, help=text)
        account.add_argument("email")
        account.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
    staff_commands.add_parser("list", help="list accounts")
    for name, text in (("disable", "stop an account signing in"), ("enable", "allow it again")):
        staff_commands.add_parser(name, help=text).add_argument("email")
    command(
        "retention",
        _retention,
        "remove feedback text and conversations older than the retention settings",
    )
    return parser


def _build_spacy(args: argparse.Namespace) -> int:
    from bot.core.spacy_pipeline import ensure_pipeline
    from bot.core.word_list import ensure_word_list

    print(f"spaCy pipeline: {ensure_pipeline()}")
    print(f"common English words: {ensure_word_list()}")
    return 0


def _train(args: argparse.Namespace) -> int:
    from bot.ops.model_store import ensure_model

    print(ensure_model())
    return 0


def _model_path(args: argparse.Namespace) -> int:
    from bot.ops.model_store import model_path

    print(model_path())
    return 0


def _run(args: argparse.Namespace) -> int:
    from bot.ops.launcher import run

    return run()


def _shell(args: argparse.Namespace) -> int:
    from bot.ops.launcher import shell

    return shell()


def _risk(args: argparse.Namespace) -> int:
    from bot.core.spacy_pipeline import load_pipeline
    from bot.safety.risk_assessment import SafetyNet

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
    return 0


def _build_risk(args: argparse.Namespace) -> int:
    import time

    from bot.core.spacy_pipeline import load_pipeline
    from bot.safety.risk_assessment import SafetyNet

    started = time.perf_counter()
    SafetyNet.load(load_pipeline())
    print(f"risk model ready in {time.perf_counter() - started:.1f} s")
    return 0


def _check_data(args: argparse.Namespace) -> int:
    from bot.ops.data_check import check_all

    return check_all()


def _build_impact(args: argparse.Namespace) -> int:
    from bot.feedback.impact_classifier import ensure_classifier, model_file

    ensure_classifier()
    print(f"impact suggester: {model_file()}")
    return 0


def _build_needs(args: argparse.Namespace) -> int:
    import time

    from bot.core.spacy_pipeline import load_pipeline
    from bot.support.directory import load_needs
    from bot.support.need_classifier import NeedClassifier

    started = time.perf_counter()
    NeedClassifier(load_pipeline(), load_needs())
    print(f"need classifier ready in {time.perf_counter() - started:.1f} s")
    return 0


def _impact(args: argparse.Namespace) -> int:
    from bot.feedback.impact_classifier import ensure_classifier

    suggestion = ensure_classifier().suggest(args.text)
    print(f"{suggestion.slug} {suggestion.confidence:.2f}")
    return 0


def _staff(args: argparse.Namespace) -> int:
    from bot.staff.cli import staff_command

    return staff_command(args)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-01-31, got {text!r}") from None


def _db(args: argparse.Namespace) -> int:
    from bot.ops import migrations as db_migrations

    action = args.action

    if action == "upgrade":
        print(f"feedback database at revision {db_migrations.upgrade()}")
    else:
        print(db_migrations.current_revision() or "(empty)")
    return 0


def _retention(args: argparse.Namespace) -> int:
    from bot import settings
    from bot.db.sessions import StoreUnavailable
    from bot.ops.retention import apply_retention

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
    from bot.db.sessions import StoreUnavailable
    from bot.feedback.export import export
    from bot.feedback.store import FeedbackFilter, FeedbackStore
    from bot.plan.content import load_library

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
    text = export(rows, args.format, load_library().impact_names())
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        print(f"{len(rows)} records written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
