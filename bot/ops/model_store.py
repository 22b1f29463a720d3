"""Trains the Rasa model only when what it is trained from has changed.

The model file is named after a hash of its inputs (config, domain, training
data, and the source of our custom components, which shape the graph). ``make
run``, ``make train`` and the test session all share it, so a model is trained
once per change, not once per command or per test.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from bot import PROJECT_ROOT, settings
from bot.core.spacy_pipeline import PIPELINE_VERSION, ensure_pipeline

TRAINING_DATA_DIRS = ("data/nlu", "data/stories", "data/rules")
HASHED_FILES = ("config.yml", "domain.yml")
HASHED_CODE_DIR = "bot/rasa_components"
KEEP_MODELS = 3


def training_inputs(root: Path = PROJECT_ROOT) -> list[Path]:
    """Every file whose content changes the trained model, in a stable order."""
    files = [root / name for name in HASHED_FILES]
    for folder in (*TRAINING_DATA_DIRS, HASHED_CODE_DIR):
        files.extend(sorted(p for p in (root / folder).rglob("*") if p.is_file()))
    return [f for f in files if "__pycache__" not in f.parts]


def inputs_hash(root: Path = PROJECT_ROOT) -> str:
    """A short hash of the training inputs and the spaCy pipeline version."""
    digest = hashlib.sha256(f"spacy-pipeline:{PIPELINE_VERSION}".encode())
    for path in training_inputs(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(root: Path = PROJECT_ROOT) -> Path:
    """Where the model for the current inputs lives (it may not exist yet)."""
    return Path(settings.get("MODEL_DIR")) / f"model-{inputs_hash(root)}.tar.gz"


def rasa_command(*args: str) -> list[str]:
    """The ``rasa`` CLI of this virtual environment."""
    return [sys.executable, "-m", "rasa", *args]


def training_command(config: str, path: Path) -> list[str]:
    """``rasa train`` with ``config`` on the project's domain and data, saved as ``path``."""
    return rasa_command(
        "train",
        "--config",
        config,
        "--domain",
        "domain.yml",
        "--data",
        *TRAINING_DATA_DIRS,
        "--out",
        str(path.parent),
        "--fixed-model-name",
        path.name.removesuffix(".tar.gz"),
    )


def ensure_model(root: Path = PROJECT_ROOT, quiet: bool = False) -> Path:
    """Return the model for the current inputs, training it first if needed."""
    path = model_path(root)
    if path.exists():
        return path
    ensure_pipeline()
    path.parent.mkdir(parents=True, exist_ok=True)
    command = training_command("config.yml", path)
    print(f"Training a new model ({path.name}); inputs changed.", flush=True)
    subprocess.run(
        command,
        cwd=root,
        env=settings.process_environment(),
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )
    prune_old_models(path.parent, keep=KEEP_MODELS)
    return path


def prune_old_models(folder: Path, keep: int) -> None:
    """Delete all but the ``keep`` newest models, so ``models/`` does not grow forever."""
    models = sorted(folder.glob("model-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[keep:]:
        old.unlink(missing_ok=True)
