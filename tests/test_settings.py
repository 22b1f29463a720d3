"""Settings come from the environment, with safe defaults."""

from __future__ import annotations

import yaml

from bot import PROJECT_ROOT, settings


def test_defaults_when_unset():
    assert settings.get("RASA_PORT", {}) == "5005"
    assert settings.get("LOCK_STORE_TYPE", {}) == "in_memory"
    assert settings.get("TRACKER_STORE_URL", {}).startswith("sqlite:///")


def test_environment_wins():
    env = {"TRACKER_STORE_URL": "postgresql://u@h/db"}
    assert settings.get("TRACKER_STORE_URL", env) == "postgresql://u@h/db"


def test_blank_values_fall_back_to_defaults():
    assert settings.get("RASA_PORT", {"RASA_PORT": "  "}) == "5005"


def test_process_environment_fills_everything_and_keeps_the_rest():
    env = settings.process_environment({"PATH": "/bin", "WEB_PORT": "9000"})
    assert env["PATH"] == "/bin" and env["WEB_PORT"] == "9000"
    assert set(settings.DEFAULTS) <= set(env)
    assert env["RASA_TELEMETRY_ENABLED"] == "false"


def test_every_endpoint_placeholder_has_a_default():
    """endpoints.yml cannot fail to expand when started through python -m bot."""
    text = (PROJECT_ROOT / "endpoints.yml").read_text()
    import re

    names = set(re.findall(r"\$\{(\w+)\}", text))
    assert names and names <= set(settings.DEFAULTS)
    yaml.safe_load(text)


def test_every_setting_is_documented_in_the_readme():
    readme = (PROJECT_ROOT / "README.md").read_text()
    missing = [name for name in settings.DEFAULTS if f"`{name}`" not in readme]
    assert missing == [], f"add these to the README's configuration table: {missing}"
