"""The model is retrained only when its inputs change."""

from __future__ import annotations

import shutil

from bot import PROJECT_ROOT
from bot.ops.model_store import (
    HASHED_CODE_DIR,
    HASHED_FILES,
    TRAINING_DATA_DIRS,
    inputs_hash,
    training_inputs,
)


def copy_project(tmp_path):
    for name in HASHED_FILES:
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    for folder in (*TRAINING_DATA_DIRS, HASHED_CODE_DIR):
        shutil.copytree(
            PROJECT_ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tmp_path


def test_hash_is_stable(tmp_path):
    root = copy_project(tmp_path)
    assert inputs_hash(root) == inputs_hash(root) == inputs_hash(PROJECT_ROOT)


def test_hash_changes_with_training_data(tmp_path):
    root = copy_project(tmp_path)
    before = inputs_hash(root)
    with open(root / "data" / "nlu" / "basics.yml", "a") as handle:
        handle.write("      - hey hey\n")
    assert inputs_hash(root) != before


def test_hash_changes_with_config(tmp_path):
    root = copy_project(tmp_path)
    before = inputs_hash(root)
    (root / "config.yml").write_text((root / "config.yml").read_text() + "\n# changed\n")
    assert inputs_hash(root) != before


def test_safety_rules_are_not_a_training_input():
    """Safety rules load at start-up, so editing them needs a restart, not a retrain."""
    safety_dir = PROJECT_ROOT / "data" / "safety"
    assert not [p for p in training_inputs(PROJECT_ROOT) if safety_dir in p.parents]
