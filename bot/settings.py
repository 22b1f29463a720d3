"""Configuration from environment variables, with the safe defaults declared once.

Rasa reads ``endpoints.yml`` with ``${VAR}`` placeholders and has no syntax for
defaults, so every process this project starts gets its environment from
:func:`process_environment`.
"""

from __future__ import annotations

import os
from typing import Mapping

from bot import PROJECT_ROOT, project_path

DEFAULTS: dict[str, str] = {
    # Rasa server (REST + socketio channels)
    "RASA_PORT": "5005",
    "RASA_TELEMETRY_ENABLED": "false",
    # Action server
    "ACTION_PORT": "5055",
    "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
    # Web app (chat page, widget, staff pages)
    "WEB_PORT": "8000",
    # Where the web app reaches Rasa for the widget's messages (the balancer in a
    # scaled run). Unset: http://127.0.0.1:RASA_PORT.
    "RASA_URL": "",
    # How many Rasa servers and action servers to run. Above 1, HAProxy balances
    # them, and conversations go to PostgreSQL (POSTGRES_URL) with locks in Redis,
    # unless TRACKER_STORE_URL, DATABASE_URL or LOCK_STORE_TYPE say otherwise.
    "RASA_SERVERS": "1",
    "ACTION_SERVERS": "1",
    # The PostgreSQL database a scaled run keeps conversations and feedback in;
    # created if missing.
    "POSTGRES_URL": "postgresql://postgres@127.0.0.1:5432/flourish",
    # The neutral page "Quick exit" replaces the chat with.
    "QUICK_EXIT_URL": "https://www.bbc.co.uk/weather",
    # The widget's heading on the chat page.
    "WEB_TITLE": "Chat with the Flourish assistant",
    # Conversation store: any SQLAlchemy URL. SQLite needs no server.
    "TRACKER_STORE_URL": f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}",
    "TRACKER_STORE_DB": "rasa",
    # Lock store: in_memory for one Rasa server, redis for several.
    "LOCK_STORE_TYPE": "in_memory",
    "REDIS_HOST": "127.0.0.1",
    "REDIS_PORT": "6379",
    "REDIS_LOCK_DB": "1",
    # Feedback database: any SQLAlchemy URL; PostgreSQL in production.
    "DATABASE_URL": f"sqlite:///{PROJECT_ROOT / 'var' / 'feedback.db'}",
    # Secret salt for hashing conversation ids in feedback records. Unset: a random
    # salt is created once in var/feedback-salt (keep that file with the database).
    "FEEDBACK_HASH_SALT": "",
    # Staff pages: the key that encrypts session cookies (a Fernet key, 32 url-safe
    # base64 bytes). Unset: a random key is created once in var/staff-session-key.
    "STAFF_SESSION_KEY": "",
    # A staff session ends after this many minutes without a request.
    "STAFF_SESSION_IDLE_MINUTES": "30",
    # Mark the session cookie Secure: "auto" when the request came over HTTPS (set
    # "true" behind a proxy that terminates TLS), or "true" always.
    "STAFF_COOKIE_SECURE": "auto",
    # Failed sign-ins in a row that lock an account, and for how many minutes.
    "STAFF_LOCKOUT_ATTEMPTS": "5",
    "STAFF_LOCKOUT_MINUTES": "15",
    # Days feedback text is kept; older text is removed by `python -m bot retention`
    # (and at each `make run`), keeping the rest of the record for the counts.
    "FEEDBACK_TEXT_RETENTION_DAYS": "365",
    # Days Rasa's conversation events (messages scrubbed of personal details) are
    # kept in the tracker store; the same command removes older ones. 0 keeps them.
    "CONVERSATION_RETENTION_DAYS": "30",
    # Services directory: an Open Referral UK API base URL; unset uses data/services/.
    "SERVICES_API_URL": "",
    # Show the shipped example local listings (status "example", made-up numbers),
    # marked as examples: "true" for a demo, never in front of the public.
    "SHOW_EXAMPLE_SERVICES": "false",
    # Whose plan "the plan" means when a young person names no area (a content pack id).
    "DEFAULT_AREA": "camden",
    # Our two fixes to Rasa 3.6 (models load without tracing a training graph; action
    # responses checked by a validator built once): "false" runs Rasa as it ships,
    # for comparison in benchmarks.
    "RASA_SPEEDUPS": "true",
    # Messages a minute one conversation may send, and one client address (the
    # X-Forwarded-For address a local proxy gives, else the peer's; local callers
    # without one are not limited by address). A burst of a third of that is allowed;
    # over it the sender is asked to slow down (HTTP 429). Each Rasa server counts on
    # its own. "0" turns a limit off (benchmarks from one address do).
    "CONVERSATION_RATE_LIMIT": "60",
    "ADDRESS_RATE_LIMIT": "600",
    # Proxies whose X-Forwarded-For header is believed (comma-separated networks):
    # this machine by default; add the balancer's network when it runs elsewhere.
    "TRUSTED_PROXIES": "127.0.0.0/8,::1",
    # The Rasa model file to serve; unset: the one trained from the current data
    # (trained first if missing).
    "RASA_MODEL": "",
    # Where trained models are kept.
    "MODEL_DIR": str(project_path("models")),
    # Where setup builds the offline spaCy pipeline (relative to the project root).
    "SPACY_PIPELINE_DIR": ".spacy/en_youth",
    # The trained impact suggester; unset: models/impact-<hash of its data>.joblib.
    "IMPACT_MODEL_FILE": "",
    # Logging for our own code.
    "LOG_LEVEL": "INFO",
}


def get(name: str, env: Mapping[str, str] | None = None) -> str:
    """The value of a setting: the environment's if set and non-empty, else the default."""
    env = os.environ if env is None else env
    value = env.get(name, "")
    return value if value.strip() else DEFAULTS[name]


def process_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of ``env`` with every unset setting filled in, for child processes."""
    merged = dict(os.environ if env is None else env)
    for name in DEFAULTS:
        merged[name] = get(name, merged)
    merged.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return merged
