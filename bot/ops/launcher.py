"""Starts the whole assistant (Rasa server, action server, web app) as one command.

One Ctrl-C stops everything: the children share our process group's signals and
any that are still running are terminated on the way out.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot import PROJECT_ROOT, project_path, settings
from bot.db.sessions import StoreUnavailable
from bot.ops import migrations as db_migrations
from bot.ops.model_store import ensure_model, rasa_command
from bot.ops.retention import apply_retention


def server_commands(model: Path) -> dict[str, list[str]]:
    """The command for each server, keyed by a name for log lines."""
    return {
        "actions": rasa_command(
            "run", "actions", "--actions", "actions", "--port", settings.get("ACTION_PORT")
        ),
        "rasa": rasa_command(
            "run",
            "--model",
            str(model),
            "--port",
            settings.get("RASA_PORT"),
            "--credentials",
            "credentials.yml",
            "--endpoints",
            "endpoints.yml",
            "--cors",
            f"http://localhost:{settings.get('WEB_PORT')}",
        ),
        "web": [sys.executable, "-m", "bot.web"],
    }


def wait_until_up(url: str, timeout: float, processes: dict[str, subprocess.Popen]) -> None:
    """Poll ``url`` until it answers; fail early if a server process has died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"the {name} server stopped (exit code {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")


def busy_ports() -> list[str]:
    """The ports we need that something else is already listening on."""
    busy = []
    for name in ("RASA_PORT", "ACTION_PORT", "WEB_PORT"):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", int(settings.get(name)))) == 0:
                busy.append(f"{name}={settings.get(name)}")
    return busy


def start_servers(model: Path) -> dict[str, subprocess.Popen]:
    """Start every server in the background and return their processes."""
    env = settings.process_environment()
    (project_path("var")).mkdir(exist_ok=True)
    return {
        name: subprocess.Popen(command, cwd=PROJECT_ROOT, env=env)
        for name, command in server_commands(model).items()
    }


def stop_servers(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run() -> int:
    """Train if needed, start everything, and wait for Ctrl-C (or SIGTERM)."""
    # Installed explicitly: a process started in the background inherits SIGINT as
    # ignored, and a supervisor stops us with SIGTERM; both must stop the children.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    busy = busy_ports()
    if busy:
        print(
            f"Port already in use ({', '.join(busy)}). Is the assistant already running? "
            "Stop it, or choose other ports with those environment variables.",
            file=sys.stderr,
        )
        return 1
    model = ensure_model()
    try:
        print(f"Feedback database at revision {db_migrations.upgrade()}.", flush=True)
        kept = apply_retention()
        print(
            f"Retention: text removed from {kept.feedback_texts_removed} old feedback records, "
            f"{kept.conversations_removed or 0} old conversation events deleted.",
            flush=True,
        )
    except (SQLAlchemyError, StoreUnavailable) as error:
        print(
            f"Could not prepare the feedback database (DATABASE_URL): {error}. "
            "Is the database server running?",
            file=sys.stderr,
        )
        return 1
    processes = start_servers(model)
    try:
        wait_until_up(f"http://localhost:{settings.get('RASA_PORT')}/", 180, processes)
        wait_until_up(f"http://localhost:{settings.get('ACTION_PORT')}/health", 60, processes)
        wait_until_up(f"http://localhost:{settings.get('WEB_PORT')}/health", 30, processes)
        print(
            "\nThe assistant is running.\n"
            f"  Chat in a browser: http://localhost:{settings.get('WEB_PORT')}\n"
            f"  Staff pages: http://localhost:{settings.get('WEB_PORT')}/staff "
            "(add an account with: .venv/bin/python -m bot staff add-user EMAIL)\n"
            f"  Chat (REST): POST http://localhost:{settings.get('RASA_PORT')}/webhooks/rest/webhook"
            ' with {"sender": "me", "message": "hi"}\n'
            "  Press Ctrl-C to stop everything.\n",
            flush=True,
        )
        while all(p.poll() is None for p in processes.values()):
            time.sleep(1)
        stopped = [name for name, p in processes.items() if p.poll() is not None]
        print(f"A server stopped ({', '.join(stopped)}); stopping the rest.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop_servers(processes)


def shell() -> int:
    """Chat in the terminal with the current model and a live action server."""
    model = ensure_model()
    env = settings.process_environment()
    actions = subprocess.Popen(server_commands(model)["actions"], cwd=PROJECT_ROOT, env=env)
    try:
        wait_until_up(
            f"http://localhost:{settings.get('ACTION_PORT')}/health", 60, {"actions": actions}
        )
        return subprocess.call(
            rasa_command("shell", "--model", str(model), "--endpoints", "endpoints.yml"),
            cwd=PROJECT_ROOT,
            env=env,
        )
    finally:
        stop_servers({"actions": actions})
