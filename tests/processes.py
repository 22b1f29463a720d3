"""Real processes for tests: free ports, start-and-wait, stop, and required services."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import pytest

from bot import PROJECT_ROOT, settings

SERVICE_HELP = (
    "Start it with the command in the README's 'Services for tests' section "
    "(.ci/run starts it when it is down)."
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ports_in_a_row(count: int) -> int:
    """A port with the ``count - 1`` ports above it free as well."""
    for _ in range(50):
        base = free_port()
        if base + count < 65535 and all(_free(base + i) for i in range(1, count)):
            return base
    raise RuntimeError("no free ports in a row")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def log_tail(log: Path, characters: int = 3000) -> str:
    """The end of a server's log, for a failure message."""
    try:
        return log.read_text(errors="replace")[-characters:]
    except OSError as error:
        return f"(no log: {error})"


def wait_for(url: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early; log:\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer in {timeout}s; log:\n{log_tail(log)}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@contextmanager
def running_server(
    command: list[str], env: dict[str, str], ready_url: str, log: Path, timeout: float
) -> Iterator[subprocess.Popen]:
    """Start ``command`` from the project root, wait until ``ready_url`` answers, stop it after."""
    with open(log, "w") as out:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for(ready_url, process, timeout, log)
        yield process
    finally:
        stop(process)


@contextmanager
def running_launcher(
    env: Mapping[str, str], log: Path, ready_urls: Iterable[str], timeout: float = 360
) -> Iterator[subprocess.Popen]:
    """The real ``python -m bot run`` with ``env``, until every ready URL answers.

    Stopped as a person stops it, with Ctrl-C (SIGINT), so the launcher stops its
    own children; killed only if it has not finished within a minute.
    """
    with open(log, "w") as out:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=PROJECT_ROOT, env=dict(env), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        for url in ready_urls:
            wait_for(url, launcher, timeout, log)
        yield launcher
    finally:
        launcher.send_signal(signal.SIGINT)
        try:
            launcher.wait(60)
        except subprocess.TimeoutExpired:
            launcher.kill()


def pids_running(*arguments: str) -> list[int]:
    """Processes whose command line holds every one of ``arguments`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if all(argument in words for argument in arguments):
            found.append(int(entry.name))
    return found


def require_service(host: str, port: int, name: str) -> None:
    """Fail (not skip) with a clear message when a service the test needs is down."""
    try:
        with socket.create_connection((host, port), timeout=3):
            return
    except OSError as error:
        pytest.fail(f"{name} is not reachable at {host}:{port} ({error}). {SERVICE_HELP}")



@contextmanager
def running_action_server(folder: Path, env: dict[str, str]) -> Iterator[str]:
    """A real rasa-sdk action server running our actions; yields its webhook URL."""
    port = free_port()
    command = [sys.executable, "-m", "rasa", "run", "actions", "--actions", "actions",
               "--port", str(port)]  # fmt: skip
    env = settings.process_environment({**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    with running_server(command, env, f"{url}/health", folder / "actions.log", 120):
        yield f"{url}/webhook"
