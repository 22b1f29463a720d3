"""Timing and reporting shared by the bench scripts (run them from the project root)."""

from __future__ import annotations

import statistics
import time
from typing import Callable


def timed(function: Callable[[int], object], repeat: int) -> list[float]:
    """Milliseconds per call of ``function(index)``, ``repeat`` times."""
    times = []
    for index in range(repeat):
        started = time.perf_counter()
        function(index)
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(label: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[max(int(len(times) * 0.95) - 1, 0)]
    print(
        f"{label:<34} mean {statistics.mean(times):7.2f} ms  p50 {statistics.median(times):7.2f}"
        f"  p95 {p95:7.2f}  max {times[-1]:7.2f}  (n={len(times)})",
        flush=True,
    )
