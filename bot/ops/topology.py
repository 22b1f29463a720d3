"""Which servers make up the assistant, on which ports, with which stores.

One Rasa server on SQLite is the default (``make run``). With ``RASA_SERVERS`` or
``ACTION_SERVERS`` above 1 (``make run-scaled``) the same assistant runs the way
Rasa's production deployments do: several Rasa servers and action servers behind a
load balancer, sharing a PostgreSQL tracker store and a Redis lock store, so any
server can take any message of any conversation.

The public ports do not change between the two: the load balancer takes
``RASA_PORT`` and ``ACTION_PORT`` and the servers behind it take the ports just
above. The deployment files in ``deploy/`` use the same commands, variables and
ports; ``tests/ops/test_deployment_files.py`` holds them to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from bot import settings

#: The Rasa server's arguments after ``rasa`` (the model path comes last).
RASA_ARGUMENTS = ("run", "--credentials", "credentials.yml", "--endpoints", "endpoints.yml")
#: The action server's arguments after ``rasa``.
ACTION_ARGUMENTS = ("run", "actions", "--actions", "actions")
#: The web app (chat page, widget gateway, staff pages).
WEB_MODULE = "bot.web"


@dataclass(frozen=True)
class Server:
    """One process to start: what it is for, how to start it, where it answers."""

    name: str
    role: str  # "rasa", "actions", "web" or "balancer"
    arguments: tuple[str, ...]  # after the interpreter: ("-m", "rasa", ...)
    port: int
    ready_path: str
    environment: Mapping[str, str] = field(default_factory=dict)

    @property
    def ready_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.ready_path}"


@dataclass(frozen=True)
class Topology:
    """Every server of one run, and the environment they all share."""

    servers: tuple[Server, ...]
    environment: Mapping[str, str]
    balanced: bool

    def of_role(self, role: str) -> list[Server]:
        return [server for server in self.servers if server.role == role]


def rasa_arguments(model: Path | str, port: int) -> tuple[str, ...]:
    return ("-m", "rasa", *RASA_ARGUMENTS, "--port", str(port), "--model", str(model))


def action_arguments(port: int) -> tuple[str, ...]:
    return ("-m", "rasa", *ACTION_ARGUMENTS, "--port", str(port))


def counts(env: Mapping[str, str]) -> tuple[int, int]:
    """How many Rasa and action servers to run; a clear error for a bad value."""
    values = []
    for name in ("RASA_SERVERS", "ACTION_SERVERS"):
        raw = settings.get(name, env)
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
        if not 1 <= value <= 16:
            raise ValueError(f"{name} must be between 1 and 16, not {value}")
        values.append(value)
    return values[0], values[1]


def shared_environment(env: Mapping[str, str], balanced: bool) -> dict[str, str]:
    """The children's environment: stores shared between servers when there are several.

    Several Rasa servers must see one conversation store and one lock store, so a
    scaled run uses PostgreSQL and Redis unless the stores were chosen explicitly.
    """
    merged = settings.process_environment(env)
    if balanced:
        postgres = settings.get("POSTGRES_URL", env)
        for name in ("TRACKER_STORE_URL", "DATABASE_URL"):
            if not env.get(name, "").strip():
                merged[name] = postgres
        if not env.get("LOCK_STORE_TYPE", "").strip():
            merged["LOCK_STORE_TYPE"] = "redis"
    action_port = int(settings.get("ACTION_PORT", merged))
    if not env.get("ACTION_ENDPOINT_URL", "").strip():
        merged["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{action_port}/webhook"
    if not env.get("RASA_URL", "").strip():
        merged["RASA_URL"] = f"http://127.0.0.1:{settings.get('RASA_PORT', merged)}"
    return merged


def plan(model: Path | str, env: Mapping[str, str]) -> Topology:
    """The servers for this environment: one of each, or several behind a balancer."""
    rasa_count, action_count = counts(env)
    balanced = rasa_count > 1 or action_count > 1
    shared = shared_environment(env, balanced)
    rasa_port = int(settings.get("RASA_PORT", shared))
    action_port = int(settings.get("ACTION_PORT", shared))
    web_port = int(settings.get("WEB_PORT", shared))
    servers: list[Server] = []
    if balanced:
        servers.append(Server("balancer", "balancer", (), rasa_port, "/"))
        rasa_ports = [rasa_port + 1 + i for i in range(rasa_count)]
        action_ports = [action_port + 1 + i for i in range(action_count)]
    else:
        rasa_ports, action_ports = [rasa_port], [action_port]
    for i, port in enumerate(action_ports, 1):
        name = f"actions-{i}" if balanced else "actions"
        servers.append(Server(name, "actions", action_arguments(port), port, "/health"))
    for i, port in enumerate(rasa_ports, 1):
        name = f"rasa-{i}" if balanced else "rasa"
        servers.append(Server(name, "rasa", rasa_arguments(model, port), port, "/"))
    servers.append(Server("web", "web", ("-m", WEB_MODULE), web_port, "/health"))
    return Topology(tuple(servers), shared, balanced)


def balancer_config(topology: Topology) -> str:
    """HAProxy's configuration: Rasa and action servers each behind one port.

    Health checks every two seconds take a dead server out of rotation; a request that
    cannot connect is retried on another server (``retry-on``, ``option redispatch``).
    One the dying server had already read gets a 502 (HAProxy 2.6 does not retry it,
    seen as "SH--" in tests/scaled), which the web app's gateway retries once: the
    server saved nothing of that turn. ``leastconn`` suits turns of uneven cost.
    """
    env = topology.environment
    sections = [
        "global",
        "    maxconn 4096",
        "    log stderr format raw local0",
        "defaults",
        "    mode http",
        # Only failed requests are logged (to the launcher's output), without addresses.
        "    log global",
        "    option dontlog-normal",
        '    log-format "%b/%s %ST %tsc %Tt ms retries=%rc %HM %HPO"',
        # Also the wait before each retry (HAProxy waits min(connect timeout, 1 s)):
        # with 1 s, a call to a dead action server took 3 s to come back as an error,
        # and the young person waited that long for "try again". A connection on
        # this machine or a LAN is made in well under a millisecond.
        "    timeout connect 300ms",
        "    timeout client 120s",
        "    timeout server 120s",
        "    timeout http-keep-alive 30s",
        # A busy Rasa server answers its health check late, not never: marking it
        # down would send its share to the other, busier still. A dead one refuses
        # connections at once, and the request goes elsewhere (retry-on).
        "    timeout check 10s",
        "    retries 3",
        "    retry-on conn-failure empty-response",
        "    option redispatch 1",
        "    option http-keep-alive",
    ]
    for role, public_port in (
        ("rasa", settings.get("RASA_PORT", env)),
        ("actions", settings.get("ACTION_PORT", env)),
    ):
        servers = topology.of_role(role)
        sections += [
            f"frontend {role}",
            f"    bind 127.0.0.1:{public_port}",
            f"    default_backend {role}",
            *(
                # Rasa limits messages per client address: tell it who the client is.
                ["    option forwardfor"]
                if role == "rasa"
                else []
            ),
            f"backend {role}",
            "    balance leastconn",
            # The path the launcher waits on is the one the balancer checks.
            f"    option httpchk GET {servers[0].ready_path}",
            "    http-check expect status 200",
        ]
        for server in servers:
            sections.append(
                f"    server {server.name} 127.0.0.1:{server.port} check inter 2s fall 3 rise 1"
            )
    return "\n".join(sections) + "\n"
