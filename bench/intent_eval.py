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


async def accuracy(model: Path, items: list[dict[str, str]]) -> tuple[float, list[str], float]:
    """Share of items whose final intent is the expected one, the misses, ms per message."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    misses = []
    start = time.perf_counter()
    for item in items:
        parsed = await agent.parse_message(item["text"])
        if parsed["intent"]["name"] != item["intent"]:
            misses.append(f"{item['intent']:>22} <- {parsed['intent']['name']:<22} {item['text']}")
    per_message = (time.perf_counter() - start) / len(items) * 1000
    return 1 - len(misses) / len(items), misses, per_message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("models", nargs="*", type=Path)
    parser.add_argument("--half", choices=["tune", "report", "all"], default="report")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    import rasa.utils.common

    rasa.utils.common.configure_logging_and_warnings(logging.WARNING)
    if not args.models:
        from bot.ops.model_store import model_path

        args.models = [model_path()]
    items = examples(args.half)
    for model in args.models:
        score, misses, per_message = asyncio.run(accuracy(model, items))
        print(
            f"{model.name}: {score:.1%} of {len(items)} ({args.half} half), "
            f"{per_message:.1f} ms per message",
            flush=True,
        )
        if args.misses:
            print("\n".join(f"  {line}" for line in misses))


if __name__ == "__main__":
    main()
