"""Rasa's own checks on the project: data validation and end-to-end test stories."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot import PROJECT_ROOT, settings
from bot.ops.model_store import TRAINING_DATA_DIRS


def rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args],
        cwd=PROJECT_ROOT,
        env=settings.process_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_training_data_validates_without_warnings():
    result = rasa(
        "data",
        "validate",
        "--fail-on-warning",
        "--domain",
        "domain.yml",
        "--config",
        "config.yml",
        "--data",
        *TRAINING_DATA_DIRS,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


@pytest.mark.model
def test_end_to_end_stories(trained_model, action_server, tmp_path, monkeypatch):
    """User text in tests/e2e goes through the real model; every prediction must match."""
    monkeypatch.setenv("ACTION_ENDPOINT_URL", action_server)
    result = rasa(
        "test",
        "core",
        "--model",
        str(trained_model),
        "--stories",
        "tests/e2e",
        "--endpoints",
        "endpoints.yml",
        "--out",
        str(tmp_path / "results"),
        "--fail-on-prediction-errors",
        "--no-plot",
    )
    report = result.stdout[-6000:] + result.stderr[-6000:]
    assert result.returncode == 0, report
