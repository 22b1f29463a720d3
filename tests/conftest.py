"""Shared fixtures, as plugins: databases, real servers, and the web app with a browser.

The model is trained at most once per change of its inputs (see
``bot.ops.model_store``): a session reuses ``models/model-<hash>.tar.gz`` if present.
Servers are real processes on free ports, started once per session. Helpers that
tests import live in ``tests/processes.py`` and ``tests/chatting.py``.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["RASA_TELEMETRY_ENABLED"] = "false"

pytest_plugins = ["tests.plugins.databases", "tests.plugins.servers", "tests.plugins.browser"]
