"""Soak benchmark: one steady rate of mixed conversations for half an hour, in windows.

Why: bench/load.py measures each load level for seconds, so it cannot show what
only time shows: memory that creeps up with every conversation (trackers, caches,
connections never given back), latency that drifts as the tracker store grows, or
errors that turn up once in a few thousand messages. This benchmark starts the
assistant the way bench/load.py does (``python -m bot run`` on free ports, a
temporary SQLite file; ``--topology scaled``: two Rasa and two action servers
behind HAProxy on the ``flourish_bench`` PostgreSQL database and Redis), warms it
up, then plays bench/load.py's checked mixed conversations as one continuous open
loop at a rate a single server sustains (10 messages/s; about a third of what one
server carries), and prints a row at the end of every window as it happens. The
aims: no errors, and every process's memory (RSS) less than 10% above its size
after the warm-up.

Run (our model must exist: ``.venv/bin/python -m bot train``)::

    .venv/bin/python bench/soak.py                         # 30 minutes, 5-minute windows
    .venv/bin/python bench/soak.py --minutes 3 --window 1  # a smoke run
    .venv/bin/python bench/soak.py --topology scaled       # needs PostgreSQL, Redis, HAProxy
    .venv/bin/python bench/soak.py --url http://localhost:5005  # a running assistant: no RSS

Warm-up (not measured): one conversation of each kind, one after another (as
bench/load.py does), then ``--warm-up`` seconds (default 60) at the soak's rate, so
that memory first touched under concurrent load (thread pools, connection pools,
the allocator's arenas) is in the starting figure and not counted as growth.

Columns: ``minutes`` the window; ``msgs`` messages answered (HTTP 200) in it, the
basis of the percentiles; ``sent/s`` messages sent per second of the window (below
the rate asked once the server falls behind); ``p50/p95/p99 ms`` latency of the
messages answered in the window, counted for a conversation's first message from
its scheduled start (Poisson arrivals), so time spent queueing shows; ``errors``
HTTP errors and timeouts (the conversation ends there); ``wrong`` answered without
the words that step expects (errors and wrong replies are listed by window at the
end); then each process's RSS in MB at that moment (``*``: a new pid since the
warm-up, i.e. the server was restarted) and their total. At the end: each process's
RSS after the warm-up and at the end with the growth, the totals, and a verdict
against the aims. Exit status 0 when both aims are met, 1 otherwise. If the
assistant stops, the soak stops at the next row. The servers' log is kept in
``bench/results/soak-<topology>-<time>.log``; its error lines are printed when
there were errors or wrong replies.

Only the processes this benchmark started are measured; with ``--url`` there is
no RSS. Figures depend on the machine and whatever else it is doing: soak on a
quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

# bench/load.py: this script's folder is on sys.path.
from load import (
    RISK_EVERY,
    ROOT,
    TOPOLOGIES,
    Running,
    Stats,
    describe,
    mean_messages,
    memory_line,
    open_loop,
    print_problems,
    process_tree,
    settle,
    start_assistant,
    stop_assistant,
    warm_up,
)

# Importing load put the project's root on sys.path.
from bot.ops.model_store import model_path

GROWTH_LIMIT = 0.10  # the aim: RSS at the end under 10% above RSS after warm-up


# --- memory -----------------------------------------------------------------------

Memory = dict[str, tuple[int, int]]  # process name -> (pid, RSS in kB)


def memory(running: Running | None) -> Memory:
    """Every process this benchmark started (the launcher and its servers), by name."""
    if running is None:
        return {}
    found: Memory = {}
    for pid in process_tree(running.process.pid):
        described = describe(pid)
        if described is None:
            continue
        name, rss = described
        if name in found:
            name = f"{name} {pid}"
        found[name] = (pid, rss)
    return found


def mb(kb: int) -> str:
    return f"{kb / 1024:.0f}"


# --- windows ----------------------------------------------------------------------


def snapshot(stats: Stats) -> Stats:
    """A copy of the counts so far, to subtract from the next one."""
    return replace(
        stats,
        latencies=list(stats.latencies),
        errors=Counter(stats.errors),
        wrong=Counter(stats.wrong),
    )


def between(before: Stats, after: Stats, label: str, seconds: float) -> Stats:
    """What happened from one snapshot to the next: a window."""
    return Stats(
        label,
        latencies=after.latencies[len(before.latencies) :],
        errors=after.errors - before.errors,
        wrong=after.wrong - before.wrong,
        wrong_example=after.wrong_example,
        sent=after.sent - before.sent,
        conversations=after.conversations - before.conversations,
        risk_messages=after.risk_messages - before.risk_messages,
        elapsed=seconds,
        window=seconds,
    )


def window_ends(duration: float, window: float) -> list[float]:
    """Seconds from the start at which each window closes; the last may be shorter."""
    ends = []
    end = window
    while end < duration - 1e-6:
        ends.append(end)
        end += window
    return [*ends, duration]


class Table:
    """The rows, with one RSS column for each process found after the warm-up."""

    def __init__(self, baseline: Memory) -> None:
        self.baseline = baseline
        self.widths = {name: max(len(name), 6) + 2 for name in baseline}

    def header(self) -> str:
        columns = "".join(f"{name:>{width}}" for name, width in self.widths.items())
        total = f"{'total':>8}" if self.baseline else ""
        return (
            f"{'minutes':<9}{'msgs':>7}{'sent/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
            f"{'errors':>8}{'wrong':>7}{columns}{total}"
        )

    def row(self, stats: Stats, now: Memory) -> str:
        sent_rate = stats.sent / stats.window if stats.window else 0.0
        line = (
            f"{stats.label.removeprefix('minutes '):<9}{len(stats.latencies):>7}"
            f"{sent_rate:>8.1f}{stats.pct(0.50):>8.0f}{stats.pct(0.95):>8.0f}"
            f"{stats.pct(0.99):>8.0f}{stats.error_count:>8}{stats.wrong_count:>7}"
        )
        for name, width in self.widths.items():
            if name not in now:
                cell = "gone"
            else:
                pid, rss = now[name]
                cell = mb(rss) + ("*" if pid != self.baseline[name][0] else "")
            line += f"{cell:>{width}}"
        if self.baseline:
            line += f"{mb(sum(rss for _, rss in now.values())):>8}"
        return line


async def soak(
    url: str, args: argparse.Namespace, running: Running | None, table: Table
) -> tuple[list[Stats], Stats]:
    """One continuous open loop for ``--minutes``, a row printed as each window closes.

    The open loop runs undisturbed; this reads its counts at each window's end. The
    last window closes once the replies still due at the end have arrived. If the
    assistant this benchmark started has stopped, the soak stops at that row.
    """
    stats = Stats(f"soak {args.rate:g}/s")
    duration = args.minutes * 60
    start = time.perf_counter()
    loop = asyncio.create_task(open_loop(url, args.rate, duration, args.timeout, args.seed, stats))
    windows = []
    before, before_at, before_end = snapshot(stats), start, 0.0
    ends = window_ends(duration, args.window * 60)
    for end in ends:
        if end == ends[-1]:
            await loop
        else:
            await asyncio.sleep(max(0.0, start + end - time.perf_counter()))
        now = time.perf_counter()
        after = snapshot(stats)
        label = f"minutes {before_end / 60:g}-{end / 60:g}"
        window = between(before, after, label, min(now, start + duration) - before_at)
        windows.append(window)
        print(table.row(window, memory(running)), flush=True)
        before, before_at, before_end = after, now, end
        if running is not None and running.process.poll() is not None and not loop.done():
            print(
                f"The assistant stopped (exit code {running.process.returncode}): "
                "the soak stops here.",
                flush=True,
            )
            loop.cancel()
            await asyncio.gather(loop, return_exceptions=True)
            break
    stats.elapsed = stats.window = min(before_at - start, duration)
    return windows, stats


# --- the run ----------------------------------------------------------------------


def warm(base_url: str, args: argparse.Namespace) -> None:
    """One conversation of each kind, then ``--warm-up`` seconds at the rate; not measured."""
    url = base_url + "/webhooks/rest/webhook"
    first = warm_up(url, args.timeout)
    print(
        f"Warm-up, one of each kind: {first.conversations} conversations, {first.sent} "
        f"messages, {first.error_count} errors, {first.wrong_count} wrong",
        flush=True,
    )
    if args.warm_up > 0:
        loaded = asyncio.run(open_loop(url, args.rate, args.warm_up, args.timeout, args.seed + 1))
        print(
            f"Warm-up, {args.warm_up:g} s at {args.rate:g}/s: {len(loaded.latencies)} messages "
            f"answered, p95 {loaded.pct(0.95):.0f} ms, {loaded.error_count} errors, "
            f"{loaded.wrong_count} wrong",
            flush=True,
        )
        print_problems([first, loaded])
    else:
        print_problems([first])
    settle(base_url)


def run(base_url: str, args: argparse.Namespace, running: Running | None) -> bool:
    """Warm up, soak, and print the summary; True when both aims are met."""
    warm(base_url, args)
    baseline = memory(running)
    if running is not None:
        print(memory_line(running, "after warm-up"), flush=True)
    table = Table(baseline)
    print(table.header(), flush=True)
    windows, total = asyncio.run(soak(base_url + "/webhooks/rest/webhook", args, running, table))
    end = memory(running)
    print(table.row(replace(total, label="all"), end), flush=True)
    print_problems(windows)
    if running is not None and (total.error_count or total.wrong_count):
        lines = trouble(running)
        print("Server log, errors and stops:", *(lines or ["(none)"]), sep="\n  ", flush=True)
    return summary(args, total, baseline, end)


def trouble(running: Running, limit: int = 20) -> list[str]:
    """The last ``limit`` lines of the servers' log about errors and servers stopping."""
    text = running.log.read_text(encoding="utf-8", errors="replace")
    marks = ("ERROR", "Error", "Traceback", "stopped", "Stopping", "Killed")
    return [line for line in text.splitlines() if any(mark in line for mark in marks)][-limit:]


def keep_log(running: Running, topology: str) -> Path:
    """A copy of the servers' log in bench/results/, to read after a long run."""
    folder = ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / f"soak-{topology}-{time.strftime('%Y%m%d-%H%M%S')}.log"
    shutil.copyfile(running.log, kept)
    return kept


def summary(args: argparse.Namespace, total: Stats, baseline: Memory, end: Memory) -> bool:
    """RSS after warm-up against the end, the totals, and the verdict."""
    growths: list[tuple[float, str]] = []
    restarted = []
    if baseline:
        print("\nRSS after warm-up -> at the end:")
        for name, (pid, start_kb) in baseline.items():
            if name not in end:
                restarted.append(name)
                print(f"  {name:<16}{mb(start_kb):>6} MB ->   gone")
                continue
            end_pid, end_kb = end[name]
            growth = (end_kb - start_kb) / start_kb if start_kb else 0.0
            note = f"  (restarted: pid {pid} -> {end_pid})" if end_pid != pid else ""
            if note:
                restarted.append(name)
            growths.append((growth, name))
            print(f"  {name:<16}{mb(start_kb):>6} MB ->{mb(end_kb):>6} MB  {growth:+6.1%}{note}")
        start_total = sum(rss for _, rss in baseline.values())
        end_total = sum(rss for _, rss in end.values())
        if end:
            print(
                f"  {'total':<16}{mb(start_total):>6} MB ->{mb(end_total):>6} MB  "
                f"{(end_total - start_total) / start_total:+6.1%}"
            )
    sent_rate = total.sent / total.window if total.window else 0.0
    print(
        f"\nTotal: {total.conversations} conversations, {total.sent} messages sent "
        f"({sent_rate:.1f}/s of {args.rate:g}/s asked), {len(total.latencies)} answered; "
        f"p50/p95/p99 {total.pct(0.5):.0f}/{total.pct(0.95):.0f}/{total.pct(0.99):.0f} ms; "
        f"{total.error_count} errors, {total.wrong_count} wrong replies, "
        f"{total.risk_messages} risk messages"
    )
    errors_ok = total.error_count == 0
    verdict = [f"{total.error_count} errors (aim 0)"]
    if not baseline:
        memory_ok = True
        verdict.append("RSS not measured (not our processes)")
    elif not growths:
        memory_ok = False
        verdict.append("no RSS at the end: the assistant had stopped")
    else:
        worst, worst_name = max(growths)
        memory_ok = worst < GROWTH_LIMIT and not restarted
        verdict.append(
            f"largest RSS growth after warm-up {worst:+.1%}, {worst_name} "
            f"(aim < {GROWTH_LIMIT:.0%})"
        )
        if restarted:
            verdict.append(f"restarted or gone: {', '.join(restarted)}")
    verdict.append(f"{total.wrong_count} wrong replies")
    passed = errors_ok and memory_ok
    print(f"Verdict: {'PASS' if passed else 'FAIL'}: {'; '.join(verdict)}", flush=True)
    return passed


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--topology", choices=sorted(TOPOLOGIES), default="single")
    parser.add_argument(
        "--url", help="soak a running assistant instead, e.g. http://localhost:5005"
    )
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second")
    parser.add_argument("--minutes", type=float, default=30.0, help="length of the soak")
    parser.add_argument("--window", type=float, default=5.0, help="minutes per row")
    parser.add_argument(
        "--warm-up", type=float, default=60.0, help="seconds at the rate before measuring"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per message")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.minutes <= 0 or args.window <= 0 or args.warm_up < 0:
        parser.error("--rate, --minutes and --window must be positive, --warm-up not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(
        f"Soak: {args.rate:g} messages/s for {args.minutes:g} minutes, a row every "
        f"{args.window:g} minutes; mixed conversations ({mean_messages():.2f} messages on "
        f"average, one in {RISK_EVERY} with a risk message), {args.timeout:g} s timeout.",
        flush=True,
    )
    if args.url:
        return 0 if run(args.url.rstrip("/"), args, None) else 1
    model = model_path()
    if not model.exists():
        print(f"Our model {model} is missing: .venv/bin/python -m bot train", file=sys.stderr)
        return 1
    print(f"== {args.topology}: {TOPOLOGIES[args.topology]} ==", flush=True)
    with tempfile.TemporaryDirectory(prefix="flourish-soak-") as folder:
        running = start_assistant(args.topology, model, Path(folder), f"soak-{args.topology}")
        try:
            print(
                f"Start to first answer: / after {running.up_after:.1f} s, "
                f"first chat reply after {running.first_reply_after:.1f} s",
                flush=True,
            )
            print(memory_line(running, "after start"), flush=True)
            passed = run(running.base_url, args, running)
        finally:
            stop_assistant(running)
            print(f"Server log: {keep_log(running, args.topology)}", flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
