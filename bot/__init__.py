"""A Rasa assistant for young people and families: the domain code, free of Rasa."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def project_path(path: str | Path) -> Path:
    """A path from configuration, relative ones taken from the project root.

    Trained models store component configuration, so paths in it must not depend
    on where the model was trained or which directory the server starts in.
    """
    path = Path(path)
    return path if path.is_absolute() else PROJECT_ROOT / path
