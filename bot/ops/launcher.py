"""Starts the whole assistant (Rasa servers, action servers, web app) as one command.

``bot.ops.topology`` says which servers; this module starts them, waits for each
to answer, restarts one that dies, and stops them all on the way out.

One Ctrl-C stops everything: the children share our process group's signals and
any that are still running are terminated on the way out.
"""

from __future__ import annotations

import os
import shutil
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
from bot.ops.databases import ensure_database, private_folder
from bot.ops.model_store import ensure_model, model_path, rasa_command
from bot.ops.retention import apply_retention
from bot.ops.topology import Server, Topology, balancer_config, plan


def server_command(server: Server) -> list[str]:
    """The command line that starts ``server``."""
    if server.role == "balancer":
        return [haproxy_path(), "-db", "-f", str(balancer_config_path(server.port))]
    return [sys.executable, *server.arguments]


def balancer_config_path(port: int) -> Path:
    """HAProxy's configuration for the run on ``port`` (two runs never share one)."""
    return project_path(f"var/haproxy-{port}.cfg")


def haproxy_path() -> str:
    """Debian's HAProxy, which a scaled run needs in front of its servers."""
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")
    if not found:
        raise FileNotFoundError(
            "RASA_SERVERS or ACTION_SERVERS above 1 needs HAProxy as the load balancer: "
            "apt-get install haproxy"
        )
    return found


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


def busy_ports(topology: Topology) -> list[str]:
    """The ports we need that something else is already listening on."""
    busy = []
    for server in topology.servers:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", server.port)) == 0:
                busy.append(f"{server.name} on {server.port}")
    if topology.balanced:
        action_port = int(settings.get("ACTION_PORT", topology.environment))
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", action_port)) == 0:
                busy.append(f"the action balancer on {action_port}")
    return busy


class Supervisor:
    """Starts each server, and restarts one that dies, a few times at most.

    One dead server must not take the others down (behind the balancer the rest
    carry on), nor stay dead: it is started again, up to ``MAX_RESTARTS`` times in
    ``RESTART_WINDOW`` seconds, after which everything stops with a clear line.
    """

    MAX_RESTARTS = 5
    RESTART_WINDOW = 300.0

    def __init__(self, topology: Topology) -> None:
        self.topology = topology
        self.processes: dict[str, subprocess.Popen] = {}
        self.restarts: dict[str, list[float]] = {}

    def start(self, server: Server) -> None:
        self.processes[server.name] = subprocess.Popen(
            server_command(server),
            cwd=PROJECT_ROOT,
            env={**self.topology.environment, **server.environment},
        )

    def start_all(self) -> None:
        for server in self.topology.servers:
            self.start(server)

    def check(self) -> str | None:
        """Restart any server that died; the reason to stop everything, if there is one."""
        for server in self.topology.servers:
            process = self.processes[server.name]
            if process.poll() is None:
                continue
            now = time.monotonic()
            recent = [
                t for t in self.restarts.get(server.name, []) if now - t < self.RESTART_WINDOW
            ]
            if len(recent) >= self.MAX_RESTARTS:
                return (
                    f"the {server.name} server stopped {len(recent) + 1} times in "
                    f"{self.RESTART_WINDOW / 60:.0f} minutes (exit code {process.returncode})"
                )
            recent.append(now)
            self.restarts[server.name] = recent
            print(
                f"The {server.name} server stopped (exit code {process.returncode}); "
                f"restarting it ({len(recent)} of {self.MAX_RESTARTS}).",
                file=sys.stderr,
                flush=True,
            )
            self.start(server)
        return None

    def stop(self) -> None:
        stop_servers(self.processes)


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
    chosen = settings.get("RASA_MODEL")
    model = Path(chosen) if chosen else model_path()
    try:
        topology = plan(model, os.environ)
        if topology.balanced:
            haproxy_path()
    except (ValueError, FileNotFoundError) as error:
        print(error, file=sys.stderr)
        return 1
    busy = busy_ports(topology)
    if busy:
        print(
            f"Port already in use ({', '.join(busy)}). Is the assistant already running? "
            "Stop it, or choose other ports with RASA_PORT, ACTION_PORT and WEB_PORT.",
            file=sys.stderr,
        )
        return 1
    if not chosen:
        ensure_model()  # trains model_path() if its inputs changed
    env = topology.environment
    config_file = balancer_config_path(int(settings.get("RASA_PORT", env)))
    private_folder(project_path("var"))
    try:
        for url in {env["TRACKER_STORE_URL"], env["DATABASE_URL"]}:
            ensure_database(url)
        revision = db_migrations.upgrade(env["DATABASE_URL"])
        print(f"Feedback database at revision {revision}.", flush=True)
        kept = apply_retention(env)
        print(
            f"Retention: text removed from {kept.feedback_texts_removed} old feedback records, "
            f"{kept.conversations_removed or 0} old conversation events deleted.",
            flush=True,
        )
    except (SQLAlchemyError, StoreUnavailable) as error:
        print(
            f"Could not prepare the databases (DATABASE_URL, TRACKER_STORE_URL): {error}. "
            "Is the database server running? (scripts/start-services.sh)",
            file=sys.stderr,
        )
        return 1
    if topology.balanced:
        config_file.write_text(balancer_config(topology))
    supervisor = Supervisor(topology)
    supervisor.start_all()
    try:
        for server in topology.servers:
            wait_until_up(server.ready_url, 180, supervisor.processes)
        print(ready_message(topology), flush=True)
        while True:
            reason = supervisor.check()
            if reason:
                print(f"{reason}; stopping the rest.", file=sys.stderr)
                return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        supervisor.stop()
        config_file.unlink(missing_ok=True)


def ready_message(topology: Topology) -> str:
    env = topology.environment
    web, rasa = settings.get("WEB_PORT", env), settings.get("RASA_PORT", env)
    lines = ["", "The assistant is running."]
    if topology.balanced:
        lines.append(
            f"  {len(topology.of_role('rasa'))} Rasa servers and "
            f"{len(topology.of_role('actions'))} action servers behind HAProxy; "
            "conversations in PostgreSQL, locks in Redis."
        )
    lines += [
        f"  Chat in a browser: http://localhost:{web}",
        f"  Staff pages: http://localhost:{web}/staff "
        "(add an account with: .venv/bin/python -m bot staff add-user EMAIL)",
        f"  Chat (REST): POST http://localhost:{rasa}/webhooks/rest/webhook"
        ' with {"sender": "me", "message": "hi"}',
        "  Press Ctrl-C to stop everything.",
        "",
    ]
    return "\n".join(lines)


def shell() -> int:
    """Chat in the terminal with the current model and a live action server."""
    model = ensure_model()
    topology = plan(model, {**os.environ, "RASA_SERVERS": "1", "ACTION_SERVERS": "1"})
    supervisor = Supervisor(topology)
    (actions,) = topology.of_role("actions")
    supervisor.start(actions)
    try:
        wait_until_up(actions.ready_url, 60, supervisor.processes)
        return subprocess.call(
            rasa_command("shell", "--model", str(model), "--endpoints", "endpoints.yml"),
            cwd=PROJECT_ROOT,
            env=dict(topology.environment),
        )
    finally:
        supervisor.stop()
