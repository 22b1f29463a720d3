"""Secrets that are configured in production and made up once on a developer's machine.

A random value is written to a file under ``var/`` with mode 600 the first time,
and read back afterwards, so restarts keep hashes comparable and sessions valid.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable


def configured_or_kept(configured: str, path: Path, generate: Callable[[], str]) -> str:
    """``configured`` if set, else the secret kept in ``path`` (created if missing)."""
    if configured:
        return configured
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_text().strip()
        with os.fdopen(descriptor, "w") as handle:
            handle.write(generate())
    return path.read_text().strip()
