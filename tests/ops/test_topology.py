"""Which servers run where, and the launcher's restarts, without starting Rasa."""

from __future__ import annotations

import time

import pytest

from bot.ops.launcher import Supervisor
from bot.ops.topology import Server, Topology, balancer_config, plan


def test_one_of_each_by_default_on_sqlite_and_the_public_ports():
    topology = plan("models/m.tar.gz", {})
    assert not topology.balanced
    assert [(s.role, s.port) for s in topology.servers] == [
        ("actions", 5055),
        ("rasa", 5005),
        ("web", 8000),
    ]
    env = topology.environment
    assert env["TRACKER_STORE_URL"].startswith("sqlite:///")
    assert env["LOCK_STORE_TYPE"] == "in_memory"
    assert env["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:5055/webhook"
    assert env["RASA_URL"] == "http://127.0.0.1:5005"


def test_several_servers_share_postgresql_and_redis_behind_the_public_ports():
    topology = plan("m", {"RASA_SERVERS": "3", "ACTION_SERVERS": "2", "RASA_PORT": "6000"})
    assert topology.balanced
    assert [s.port for s in topology.of_role("rasa")] == [6001, 6002, 6003]
    assert [s.port for s in topology.of_role("actions")] == [5056, 5057]
    assert topology.of_role("balancer")[0].port == 6000
    env = topology.environment
    assert env["TRACKER_STORE_URL"] == env["DATABASE_URL"] == env["POSTGRES_URL"]
    assert env["TRACKER_STORE_URL"].startswith("postgresql://")
    assert env["LOCK_STORE_TYPE"] == "redis"
    # Callers go through the balancer, not to one server.
    assert env["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:5055/webhook"
    assert env["RASA_URL"] == "http://127.0.0.1:6000"
    config = balancer_config(topology)
    assert "bind 127.0.0.1:6000" in config and "bind 127.0.0.1:5055" in config
    assert "server rasa-3 127.0.0.1:6003" in config


def test_stores_chosen_explicitly_are_kept_when_scaled():
    topology = plan("m", {"RASA_SERVERS": "2", "TRACKER_STORE_URL": "postgresql://x/y"})
    assert topology.environment["TRACKER_STORE_URL"] == "postgresql://x/y"


@pytest.mark.parametrize("value", ["0", "two", "17"])
def test_a_bad_server_count_is_a_clear_error(value):
    with pytest.raises(ValueError, match="RASA_SERVERS"):
        plan("m", {"RASA_SERVERS": value})


def test_a_server_that_dies_is_restarted_a_few_times_then_everything_stops():
    dies = Server("web", "web", ("-c", "import sys; sys.exit(3)"), 1, "/")
    supervisor = Supervisor(Topology((dies,), {}, False))
    supervisor.start_all()
    reason = None
    for _ in range(Supervisor.MAX_RESTARTS + 1):
        supervisor.processes["web"].wait(30)
        reason = supervisor.check()
        if reason:
            break
        time.sleep(0.05)
    assert reason and "web server stopped 6 times" in reason and "exit code 3" in reason
    assert len(supervisor.restarts["web"]) == Supervisor.MAX_RESTARTS
    supervisor.stop()


def test_a_server_that_keeps_running_is_left_alone():
    lives = Server("web", "web", ("-c", "import time; time.sleep(30)"), 1, "/")
    supervisor = Supervisor(Topology((lives,), {}, False))
    supervisor.start_all()
    try:
        assert supervisor.check() is None and supervisor.restarts == {}
    finally:
        supervisor.stop()
    assert supervisor.processes["web"].poll() is not None
