"""The files in ``deploy/`` run the topology that ``make run`` and the tests run.

``bot/ops/topology.py`` and ``bot/settings.py`` start the assistant here; on other
machines nothing imports them, so the Dockerfile, compose file, HAProxy configuration
and Helm values repeat their commands, ports, ready paths and variable names. Every
expected value below is derived from that code (or from ``endpoints.yml`` and
``scripts/setup.sh``), so a change there fails this test until ``deploy/`` follows.
No Docker engine or network is needed: the files are parsed, not run.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from bot import PROJECT_ROOT, settings
from bot.ops import topology
from bot.ops.topology import Server

DEPLOY = PROJECT_ROOT / "deploy"
#: Where the image puts the project, which is then its PROJECT_ROOT.
IMAGE_ROOT = "/app"
#: Variables we may set that bot/settings.py does not declare, and why.
ALLOWED_ENV = {
    "PATH": "the virtual environment's python first",
    "VIRTUAL_ENV": "marks the virtual environment as active",
    "PYTHONUNBUFFERED": "logs reach the container runtime as they are written",
    "PYTHONDONTWRITEBYTECODE": "no .pyc files in a read-only image",
    "TF_CPP_MIN_LOG_LEVEL": "what settings.process_environment() sets for every child",
    "PGPASSWORD": "libpq's password, so database URLs carry none",
    "HOME": "Rasa and matplotlib keep their settings under it, whichever uid runs the image",
}
#: Image defaults that deliberately differ from bot/settings.py's.
IMAGE_OVERRIDES = {"RASA_MODEL": "the model trained into the image, under a fixed name"}
ROLES = ("rasa", "actions", "web")


# --- parsing -----------------------------------------------------------------------------


@cache
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in (DEPLOY / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, rest = (pending + line).partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        pending = ""
    return instructions


def instructions(keyword: str) -> list[str]:
    return [rest for name, rest in dockerfile() if name == keyword]


@cache
def image_env() -> dict[str, str]:
    """The final stage's ENV (the build stage's are not in the image)."""
    final_stage = max(i for i, (name, _) in enumerate(dockerfile()) if name == "FROM")
    env: dict[str, str] = {}
    for name, rest in dockerfile()[final_stage:]:
        if name == "ENV":
            for word in shlex.split(rest):
                key, _, value = word.partition("=")
                env[key] = value
    return env


def relocated(value: str) -> str:
    """A default computed from this checkout's PROJECT_ROOT, as it is inside the image."""
    return value.replace(str(PROJECT_ROOT), IMAGE_ROOT)


def load(relative: str) -> Any:
    return yaml.safe_load((PROJECT_ROOT / relative).read_text())


@cache
def compose() -> dict[str, Any]:
    return load("deploy/compose.yaml")


def helm(chart: str) -> dict[str, Any]:
    return load(f"deploy/helm/{chart}-values.yaml")


HELM_CHARTS = {"rasa": "rasa", "actions": "rasa-action-server"}


@cache
def servers() -> dict[str, Server]:
    """One server of each role, on the public ports: what each container runs."""
    single = topology.plan(image_env()["RASA_MODEL"], {})
    assert not single.balanced
    return {server.role: server for server in single.servers}


def expected_command(role: str) -> list[str]:
    return ["python", *servers()[role].arguments]


def our_services() -> dict[str, dict[str, Any]]:
    """The compose services that run our image (not the balancer or the stores)."""
    ours = {
        name: service
        for name, service in compose()["services"].items()
        if service.get("build", {}).get("dockerfile") == "deploy/Dockerfile"
    }
    assert set(ROLES) <= set(ours)
    return ours


def extra_env(values: dict[str, Any]) -> dict[str, str | None]:
    """A chart's extraEnv as name -> value (None when it comes from a Secret)."""
    return {item["name"]: item.get("value") for item in values.get("extraEnv", [])}


def endpoint_variables(text: str) -> set[str]:
    return set(re.findall(r"\$\{(\w+)\}", text))


def url_of(healthcheck: dict[str, Any]) -> str:
    """The URL a compose healthcheck polls (its last argument)."""
    return healthcheck["test"][-1]


def haproxy_sections(text: str) -> dict[str, list[str]]:
    """``"frontend rasa"`` -> its lines, with comments and blank lines dropped."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not line[0].isspace():
            current = sections.setdefault(" ".join(line.split()), [])
        else:
            current.append(" ".join(line.split()))
    return sections


def balancer_reference() -> dict[str, list[str]]:
    """balancer_config() of a scaled run (2 + 2 servers): the configuration tests run."""
    scaled = topology.plan("model.tar.gz", {"RASA_SERVERS": "2", "ACTION_SERVERS": "2"})
    return haproxy_sections(topology.balancer_config(scaled))


def port_of(address: str) -> int:
    return int(address.rsplit(":", 1)[1])


# --- the image ---------------------------------------------------------------------------


def setup_pip_flags() -> set[str]:
    """The flags scripts/setup.sh installs the lock with."""
    script = (PROJECT_ROOT / "scripts" / "setup.sh").read_text().replace("\\\n", " ")
    line = next(ln for ln in script.splitlines() if "pip" in ln and '-r "$LOCK"' in ln)
    words = shlex.split(line)
    return set(words[words.index("install") + 1 : words.index("-r")]) - {"--quiet"}


def test_image_is_python_311_slim_bookworm():
    args = dict(rest.split("=", 1) for rest in instructions("ARG") if "=" in rest)
    bases = [re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], rest.split()[0])
             for rest in instructions("FROM")]
    assert bases and set(bases) == {"python:3.11-slim-bookworm"}


def test_image_installs_the_lock_the_way_setup_does():
    runs = instructions("RUN")
    lock_installs = [run for run in runs if re.search(r"-r \S*lock\.txt", run)]
    assert len(lock_installs) == 1
    assert setup_pip_flags() <= set(shlex.split(lock_installs[0]))
    assert any("requirements/lock.txt" in copy.split()[0] for copy in instructions("COPY"))
    assert any("--no-deps --no-build-isolation -e ." in run for run in runs)


def test_image_builds_what_setup_builds_and_the_rasa_model():
    script = (PROJECT_ROOT / "scripts" / "setup.sh").read_text()
    steps = set(re.findall(r"-m bot ([\w-]+)", script))
    assert steps >= {"build-spacy", "build-risk"}
    built = " ".join(instructions("RUN"))
    for step in (*sorted(steps), "train"):
        assert f"python -m bot {step}" in built, step
    assert "$RASA_MODEL" in built


def test_image_exposes_the_three_ports():
    exposed = {port for rest in instructions("EXPOSE") for port in rest.split()}
    assert exposed == {settings.DEFAULTS[name] for name in ("RASA_PORT", "ACTION_PORT", "WEB_PORT")}


def test_image_defaults_are_the_settings_defaults():
    env = image_env()
    assert set(env) <= set(settings.DEFAULTS) | set(ALLOWED_ENV)
    for name, value in env.items():
        if name in settings.DEFAULTS and name not in IMAGE_OVERRIDES:
            assert value == relocated(settings.DEFAULTS[name]), name
    assert env["PATH"].startswith(env["VIRTUAL_ENV"] + "/bin:")


def test_image_sets_every_variable_endpoints_yml_names():
    """``python -m rasa`` reads endpoints.yml without bot.settings' defaults."""
    needed = endpoint_variables((PROJECT_ROOT / "endpoints.yml").read_text())
    assert needed and needed <= set(image_env())


def test_image_runs_as_a_user_and_holds_no_secret():
    users = instructions("USER")
    assert users and users[-1] not in ("root", "0")
    secret = re.compile(r"SALT|KEY|PASSWORD|TOKEN|SECRET")
    baked = [n for n in image_env() if secret.search(n)]
    baked += [a for a in instructions("ARG") if secret.search(a.split("=")[0])]
    assert baked == []


def test_dockerignore_keeps_local_builds_out_of_the_context():
    ignored = set((PROJECT_ROOT / ".dockerignore").read_text().split())
    assert {".venv", ".spacy", "models", "var", "node_modules", ".git"} <= ignored


# --- compose -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_compose_commands_are_the_topologys(role):
    assert our_services()[role]["command"] == expected_command(role)


@pytest.mark.parametrize("role", ROLES)
def test_compose_health_checks_poll_the_ready_paths(role):
    url = urlsplit(url_of(our_services()[role]["healthcheck"]))
    assert (url.port, url.path) == (servers()[role].port, servers()[role].ready_path)


def test_compose_sets_only_settings_variables():
    for name, service in our_services().items():
        unknown = set(service["environment"]) - set(settings.DEFAULTS) - set(ALLOWED_ENV)
        assert unknown == set(), name


def test_compose_runs_several_rasa_and_action_servers():
    for role in ("rasa", "actions"):
        assert our_services()[role]["deploy"]["replicas"] >= 2


def test_compose_shares_postgresql_and_redis():
    services = compose()["services"]

    def image_of(host: str | None) -> str:
        return services[host]["image"]

    for name, service in our_services().items():
        env = service["environment"]
        for url_name in ("TRACKER_STORE_URL", "DATABASE_URL"):
            url = urlsplit(env[url_name])
            assert url.scheme == "postgresql", (name, url_name)
            assert image_of(url.hostname).startswith("postgres:")
            assert url.password is None, (name, url_name)  # PGPASSWORD carries it
        assert env["LOCK_STORE_TYPE"] == "redis"
        assert image_of(env["REDIS_HOST"]).startswith("redis:")


def test_compose_reaches_the_servers_through_the_balancer():
    balancer = {"ACTION_ENDPOINT_URL": "ACTION_PORT", "RASA_URL": "RASA_PORT"}
    default_action_path = urlsplit(settings.DEFAULTS["ACTION_ENDPOINT_URL"]).path
    for name, service in our_services().items():
        env = service["environment"]
        for url_name, port_name in balancer.items():
            url = urlsplit(env[url_name])
            assert url.hostname == "balancer", (name, url_name)
            assert url.port == int(settings.DEFAULTS[port_name]), (name, url_name)
        assert urlsplit(env["ACTION_ENDPOINT_URL"]).path == default_action_path


def test_compose_publishes_the_public_ports():
    services = compose()["services"]
    web = {port_of(p) for p in services["web"]["ports"]}
    rasa = {port_of(p) for p in services["balancer"]["ports"]}
    assert web == {servers()["web"].port} and rasa == {servers()["rasa"].port}


# --- HAProxy -----------------------------------------------------------------------------


def test_haproxy_follows_balancer_config():
    reference = balancer_reference()
    ours = haproxy_sections((DEPLOY / "haproxy.cfg").read_text())
    for name in ("global", "defaults"):
        assert set(reference[name]) <= set(ours[name]), name
    frontends = [name.split()[1] for name in reference if name.startswith("frontend ")]
    assert sorted(frontends) == sorted(n.split()[1] for n in ours if n.startswith("frontend "))
    commands = {role: our_services()[role]["command"] for role in frontends}
    for role in frontends:
        expected_bind = next(ln for ln in reference[f"frontend {role}"] if ln.startswith("bind"))
        our_bind = next(ln for ln in ours[f"frontend {role}"] if ln.startswith("bind"))
        assert port_of(our_bind.split()[1]) == port_of(expected_bind.split()[1]), role
        assert f"default_backend {role}" in ours[f"frontend {role}"]
        backend, our_backend = reference[f"backend {role}"], ours[f"backend {role}"]
        assert [ln for ln in backend if not ln.startswith("server ")] == [
            ln for ln in our_backend if not ln.startswith("server-template ")
        ], role
        server_options = {" ".join(ln.split()[3:]) for ln in backend if ln.startswith("server ")}
        templates = [ln.split() for ln in our_backend if ln.startswith("server-template ")]
        assert len(templates) == 1, role
        _, _, count, address, *options = templates[0]
        assert server_options == {" ".join(options)}, role
        host, port = address.rsplit(":", 1)
        assert host == role and port == commands[role][commands[role].index("--port") + 1]
        assert int(count) >= our_services()[role]["deploy"]["replicas"]


def test_haproxy_check_paths_are_the_ready_paths():
    ours = haproxy_sections((DEPLOY / "haproxy.cfg").read_text())
    for role in ("rasa", "actions"):
        assert f"option httpchk GET {servers()[role].ready_path}" in ours[f"backend {role}"]


def test_haproxy_accepts_the_configuration():
    """Servers start unresolved (init-addr none), so the check needs no DNS."""
    haproxy = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")
    if not haproxy:
        pytest.skip("HAProxy is not installed (apt-get install haproxy)")
    result = subprocess.run(
        [haproxy, "-c", "-f", str(DEPLOY / "haproxy.cfg")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- Helm --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(HELM_CHARTS))
def test_helm_commands_ports_and_probes_are_the_topologys(role):
    values, server = helm(HELM_CHARTS[role]), servers()[role]
    assert values["command"] + values["args"] == expected_command(role)
    assert values["applicationSettings"]["port"] == server.port
    assert values["service"]["port"] == server.port
    for probe in ("livenessProbe", "readinessProbe"):
        assert values[probe]["httpGet"]["path"] == server.ready_path, probe
        assert values[probe]["httpGet"]["port"] == "http", probe


@pytest.mark.parametrize("role", sorted(HELM_CHARTS))
def test_helm_scales_from_two_replicas(role):
    values = helm(HELM_CHARTS[role])
    scaling = values["autoscaling"]
    assert values["replicaCount"] >= 2
    assert scaling["enabled"] is True
    assert 2 <= scaling["minReplicas"] <= scaling["maxReplicas"]
    assert scaling["targetCPUUtilizationPercentage"]
    assert values["resources"]["limits"]["memory"]


@pytest.mark.parametrize("role", sorted(HELM_CHARTS))
def test_helm_runs_our_image_with_settings_variables(role):
    values = helm(HELM_CHARTS[role])
    assert values["image"]["repository"] == compose()["services"][role]["image"].split(":")[0]
    containers = [values, *values.get("initContainers", [])]
    for container in containers:
        names = set(extra_env(container)) | {e["name"] for e in container.get("env", [])}
        assert names <= set(settings.DEFAULTS) | set(ALLOWED_ENV), role
    for init in values.get("initContainers", []):
        assert init["image"] == compose()["services"][role]["image"]


def test_helm_rasa_endpoints_say_what_endpoints_yml_says():
    """The chart writes its own endpoints.yml over the image's; it must mean the same."""
    ours = load("endpoints.yml")
    settings_of = helm("rasa")["applicationSettings"]
    endpoints = settings_of["endpoints"]

    def rendered(section: dict[str, Any]) -> dict[str, Any]:
        # The chart writes every key but "enabled"; a null removes a chart default.
        return {k: v for k, v in section.items() if k != "enabled" and v is not None}

    assert endpoints["trackerStore"]["enabled"] is True
    assert rendered(endpoints["trackerStore"]) == ours["tracker_store"]
    assert endpoints["lockStore"]["enabled"] is True
    assert rendered(endpoints["lockStore"]) == {**ours["lock_store"], "type": "redis"}
    assert endpoints["additionalEndpoints"]["action_endpoint"] == ours["action_endpoint"]
    assert endpoints["eventBroker"]["enabled"] is False
    chart_action_server = helm("rasa")["rasa-action-server"]
    assert not chart_action_server["install"] and not chart_action_server["external"]["enabled"]
    credentials = settings_of["credentials"]["additionalChannelCredentials"]
    assert set(credentials) == set(load("credentials.yml"))


def test_helm_rasa_serves_the_model_in_the_image():
    """The chart's initial model would mount an empty /app/models over the image's."""
    app = helm("rasa")["applicationSettings"]
    assert app["initialModel"] == "" and app["trainInitialModel"] is False
    assert not app["endpoints"].get("models", {}).get("enabled", False)


def test_helm_rasa_stores_are_postgresql_and_redis():
    values = helm("rasa")
    env = extra_env(values)
    assert urlsplit(env["TRACKER_STORE_URL"] or "").scheme == "postgresql"
    assert values["applicationSettings"]["endpoints"]["lockStore"]["type"] == "redis"
    assert env["LOCK_STORE_TYPE"] == "redis"
    action = urlsplit(env["ACTION_ENDPOINT_URL"] or "")
    actions = helm("rasa-action-server")
    assert action.port == actions["service"]["port"]
    assert action.path == urlsplit(settings.DEFAULTS["ACTION_ENDPOINT_URL"]).path


def test_helm_rasa_sets_every_variable_its_endpoints_name():
    endpoints = helm("rasa")["applicationSettings"]["endpoints"]
    needed = endpoint_variables(yaml.safe_dump(endpoints))
    assert needed <= set(extra_env(helm("rasa"))) | set(image_env())


def test_helm_actions_share_the_feedback_database_and_salt():
    rasa, actions = extra_env(helm("rasa")), extra_env(helm("rasa-action-server"))
    assert urlsplit(actions["DATABASE_URL"] or "").scheme == "postgresql"
    assert urlsplit(actions["DATABASE_URL"] or "").netloc == urlsplit(
        rasa["TRACKER_STORE_URL"] or ""
    ).netloc
    assert "FEEDBACK_HASH_SALT" in actions and actions["FEEDBACK_HASH_SALT"] is None


def test_deploy_files_exist():
    for path in ("Dockerfile", "compose.yaml", "haproxy.cfg", "README.md"):
        assert Path(DEPLOY / path).is_file(), path
