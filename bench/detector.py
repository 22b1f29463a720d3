"""How much the safety detector adds to each message.

Runs the detector over the whole safety corpus (risk messages and hard negatives)
many times and prints the mean and tail cost per message. The issue aims for
under 1 ms.

    .venv/bin/python bench/detector.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.spacy_pipeline import load_pipeline  # noqa: E402
from bot.safety.crisis import RiskDetector  # noqa: E402
from tests.safety_corpus import hard_negatives, risk_messages  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()

    detector = RiskDetector(load_pipeline())
    messages = [m for _, m in risk_messages()] + hard_negatives()
    long_message = "school was fine today. " * 900 + "but i want to die"
    for message in messages:  # warm up
        detector.detect(message)

    timings = []
    for _ in range(args.rounds):
        for message in messages:
            start = time.perf_counter()
            detector.detect(message)
            timings.append(time.perf_counter() - start)
    timings.sort()
    start = time.perf_counter()
    detector.detect(long_message)
    long_cost = time.perf_counter() - start

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.3f} ms"

    print(f"detector cost over {len(timings)} messages ({len(messages)} distinct):")

    def pct(p: float) -> str:
        return ms(timings[min(len(timings) - 1, int(len(timings) * p))])

    print(
        f"  mean {ms(statistics.fmean(timings))}  p50 {pct(0.5)}  p95 {pct(0.95)}"
        f"  p99 {pct(0.99)}  max {ms(timings[-1])}"
    )
    print(f"  one {len(long_message):,}-character message: {ms(long_cost)}")


if __name__ == "__main__":
    main()
