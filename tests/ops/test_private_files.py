"""Files that hold conversations, feedback or secrets are readable by their owner only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from bot import PROJECT_ROOT
from bot.db.sessions import make_engine
from bot.ops.databases import private_folder


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_an_existing_world_readable_var_folder_is_tightened(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    (var / "tracker.db").write_text("")
    os.chmod(var / "tracker.db", 0o644)
    private_folder(var)
    assert mode(var) == 0o700 and mode(var / "tracker.db") == 0o600


def test_a_new_sqlite_database_is_owner_only_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'feedback.db'}")
        with engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        engine.dispose()
    finally:
        os.umask(old)
    assert mode(tmp_path / "new" / "feedback.db") == 0o600


def test_python_m_bot_makes_every_file_it_creates_owner_only(tmp_path):
    """``make run``'s servers inherit its umask: here an export it writes is 600."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'feedback.db'}"}
    subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"], cwd=PROJECT_ROOT, env=env, check=True
    )
    out = tmp_path / "export.csv"
    subprocess.run(
        [sys.executable, "-m", "bot", "feedback", "export", "--output", str(out)],
        cwd=PROJECT_ROOT, env=env, check=True,
    )  # fmt: skip
    assert mode(out) == 0o600
