"""PostgreSQL and Redis servers of a test's own, so the test may stop and restart them.

The shared servers on 5432 and 6379 serve every other test running at the same
time: a fault test never touches them. It makes its own instead, real ones from
Debian's packages, on free ports, and removes them afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.processes import free_port, log_tail

POSTGRES_BIN = Path("/usr/lib/postgresql")


def postgres_program(name: str) -> Path:
    """``initdb`` or ``pg_ctl`` of the newest PostgreSQL installed (Debian's layout)."""
    found = sorted(
        POSTGRES_BIN.glob(f"*/bin/{name}"), key=lambda path: int(path.parts[-3].split(".")[0])
    )
    if not found:
        raise FileNotFoundError(f"no {name} under {POSTGRES_BIN}/*/bin: apt-get install postgresql")
    return found[-1]


def accepts_connections(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class OwnPostgres:
    """A PostgreSQL cluster made with ``initdb`` for one test module.

    Run as the ``postgres`` user when we are root (PostgreSQL refuses to run as
    root), in a folder under the system's temporary folder that user may enter
    (pytest's own temporary folders are root's alone). ``fsync=off``: nothing here
    needs to survive a power cut, and a restart still writes everything first.
    """

    def __init__(self, name: str) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix=f"faults-{name}-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(postgres_program("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self._pg_ctl("start", "-l", str(self.log), "-o", self._options())

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` ends every session; clients see their connections close."""
        self._pg_ctl("stop", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        self._pg_ctl("restart", "-m", mode, "-l", str(self.log), "-o", self._options())

    def remove(self) -> None:
        """Stop the server if it runs, and delete the cluster."""
        if (self.data / "postmaster.pid").exists():
            try:
                self._pg_ctl("stop", "-m", "immediate")
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.folder, ignore_errors=True)

    def _options(self) -> str:
        return (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off"
        )

    def _pg_ctl(self, *arguments: str) -> None:
        self._run(postgres_program("pg_ctl"), "-D", str(self.data), "-w", "-t", "30", *arguments)

    def _run(self, program: Path, *arguments: str) -> None:
        done = subprocess.run(
            [*self.as_postgres, str(program), *arguments],
            capture_output=True, text=True, timeout=60, cwd=self.folder,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(
                f"{program.name} {' '.join(arguments)} failed ({done.returncode}):\n"
                f"{done.stdout[-1500:]}{done.stderr[-1500:]}\n{log_tail(self.log, 1500)}"
            )


class OwnRedis:
    """A ``redis-server`` for one test module, nothing kept on disk, on one port for life.

    Killing it (SIGKILL) and starting it again on the same port is what a crash and
    a restart by the host's service manager look like to its clients.
    """

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.log = folder / "redis.log"
        self.process: subprocess.Popen | None = None
        program = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.command = [
            program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(folder), "--logfile", str(self.log),
        ]  # fmt: skip

    def start(self, timeout: float = 10) -> None:
        self.process = subprocess.Popen(self.command, cwd=self.folder)
        deadline = time.monotonic() + timeout
        while not accepts_connections(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"redis-server did not listen on {self.port}:\n{log_tail(self.log, 1500)}"
                )
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: gone at once, with every connection, as in a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None
