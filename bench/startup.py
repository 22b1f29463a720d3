"""How long a Rasa server takes to answer after it starts, and how much memory it holds.

Starts ``rasa run`` with the current model (the same command the launcher uses,
on a free port, SQLite tracker in a temporary folder), times until the first
message gets a reply, sends a few more, and reads the process's resident memory.
Runs alternate between Rasa as it ships (``RASA_SPEEDUPS=false``) and with our
fixes, so both meet the same machine load.

    .venv/bin/python bench/startup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import settings  # noqa: E402
from bot.ops.model_store import model_path  # noqa: E402
from bot.ops.topology import rasa_arguments  # noqa: E402

MESSAGES = ["hi", "what is the plan", "where can i get help with bullying", "thanks"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def one_run(speedups: bool, model: Path) -> tuple[float, float]:
    """Seconds from start to the first reply, and RSS (MB) after a few messages."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = settings.process_environment(
            {
                **os.environ,
                "RASA_SPEEDUPS": "true" if speedups else "false",
                "TRACKER_STORE_URL": f"sqlite:///{folder}/tracker.db",
                "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}/webhook",
            }
        )
        start = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, *rasa_arguments(model, port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        try:
            while True:
                if process.poll() is not None:
                    raise RuntimeError("the Rasa server stopped")
                try:
                    answer = requests.post(url, json={"sender": "s", "message": "hi"}, timeout=30)
                    if answer.status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                time.sleep(0.2)
            ready = time.monotonic() - start
            for i, text in enumerate(MESSAGES * 5):
                requests.post(url, json={"sender": f"s{i % 4}", "message": text}, timeout=30)
            return ready, rss_mb(process.pid)
        finally:
            process.terminate()
            process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    model = model_path()
    results: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for run in range(args.runs):
        for speedups in (False, True):
            ready, rss = one_run(speedups, model)
            results[speedups].append((ready, rss))
            label = "with our fixes" if speedups else "Rasa as shipped"
            print(f"run {run + 1}: {label:<16} first reply after {ready:5.1f} s, RSS {rss:6.0f} MB")
    for speedups, label in ((False, "Rasa as shipped"), (True, "with our fixes")):
        readies = [r for r, _ in results[speedups]]
        memory = [m for _, m in results[speedups]]
        print(
            f"{label:<16} median first reply {statistics.median(readies):5.1f} s "
            f"(min {min(readies):.1f}), median RSS {statistics.median(memory):.0f} MB"
        )


if __name__ == "__main__":
    main()
