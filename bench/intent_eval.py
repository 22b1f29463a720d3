"""Intent accuracy of a trained model on phrasings written without seeing the training data.

``bench/intent_heldout.yml`` was written by a helper who never opened ``data/``.
Choosing training settings (epochs, layer sizes) looks at the ``tune`` half (even
positions) only; the ``report`` half (odd positions) is the figure to believe.

    .venv/bin/python bench/intent_eval.py [MODEL ...] [--half tune|report|all] [--misses]

With no model, the current one (``python -m bot model-path``). The intent is the
final one, after our own components (the risk classifier relabels risk messages).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
HELDOUT = ROOT / "bench" / "intent_heldout.yml"


def examples(half: str) -> list[dict[str, str]]:
    items = yaml.safe_load(HELDOUT.read_text())["examples"]
    if half == "tune":
        return items[0::2]
    if half == "report":
        return items[1::2]
    return items


def final_intents(model: Path, texts: list[str]) -> tuple[list[str], float]:
    """Each text's final intent with ``model`` loaded in-process, and ms per message."""
    import rasa.utils.common
    import rasa.utils.log_utils
    from rasa.core.agent import Agent

    rasa.utils.common.configure_logging_and_warnings(logging.WARNING)
    rasa.utils.log_utils.configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    try:
        start = time.perf_counter()
        names = [
            loop.run_until_complete(agent.parse_message(text))["intent"]["name"] for text in texts
        ]
        per_message = (time.perf_counter() - start) / max(len(texts), 1) * 1000
    finally:
        loop.close()
    return names, per_message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("models", nargs="*", type=Path)
    parser.add_argument("--half", choices=["tune", "report", "all"], default="report")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    if not args.models:
        from bot.ops.model_store import model_path

        args.models = [model_path()]
    items = examples(args.half)
    for model in args.models:
        names, per_message = final_intents(model, [item["text"] for item in items])
        misses = [
            f"{item['intent']:>22} <- {name:<22} {item['text']}"
            for item, name in zip(items, names, strict=True)
            if name != item["intent"]
        ]
        score = 1 - len(misses) / len(items)
        print(
            f"{model.name}: {score:.1%} of {len(items)} ({args.half} half), "
            f"{per_message:.1f} ms per message",
            flush=True,
        )
        if args.misses:
            print("\n".join(f"  {line}" for line in misses))


if __name__ == "__main__":
    main()
