"""The project's command line: ``python -m bot COMMAND``."""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build-spacy", help="build the offline spaCy pipeline if missing")
    commands.add_parser("train", help="train the model if its inputs changed; print its path")
    commands.add_parser("model-path", help="print where the current model lives")
    commands.add_parser("run", help="start the Rasa server, action server and web app")
    commands.add_parser("shell", help="chat with the assistant in the terminal")
    risk = commands.add_parser("risk", help="show what the safety detector makes of a message")
    risk.add_argument("text")
    commands.add_parser("check-data", help="validate every data file the assistant loads")
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
        from bot.crisis import RiskDetector
        from bot.spacy_pipeline import load_pipeline

        detector = RiskDetector(load_pipeline())
        match = detector.detect(args.text)
        print(f"normalised: {detector.normalise(args.text)}")
        print(f"risk: {match.category} ({match.rule})" if match else "risk: none")
    elif args.command == "check-data":
        from bot.data_check import check_all

        return check_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
