"""Rate limits: a burst, then a steady allowance, per conversation and per address."""

from __future__ import annotations

from bot.core.rate_limits import RateLimiter, SenderLimits, client_address, trusted_networks


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_a_third_of_a_minute_then_a_steady_allowance():
    clock = Clock()
    limiter = RateLimiter(60, clock=clock)
    assert [limiter.wait_needed("c") for _ in range(20)] == [0.0] * 20
    assert limiter.wait_needed("c") == 1.0  # one a second, once the burst is spent
    clock.now += 1
    assert limiter.wait_needed("c") == 0.0
    assert limiter.wait_needed("other") == 0.0  # keys do not share a bucket


def test_a_thousand_at_once_lets_only_the_burst_through():
    limiter = RateLimiter(60, clock=Clock())
    allowed = sum(limiter.wait_needed("flood") == 0 for _ in range(1000))
    assert allowed == 20


def test_zero_turns_the_limit_off():
    limiter = RateLimiter(0, clock=Clock())
    assert not limiter.enabled
    assert all(limiter.wait_needed("c") == 0 for _ in range(1000))


def test_memory_is_bounded_by_forgetting_the_oldest_keys():
    limiter = RateLimiter(60, clock=Clock(), max_keys=3)
    for key in "abcd":
        limiter.wait_needed(key)
    assert list(limiter.buckets) == ["b", "c", "d"]


def test_sender_limits_say_whole_seconds_and_skip_the_address_of_trusted_callers():
    clock = Clock()
    limits = SenderLimits(
        RateLimiter(6, clock=clock), RateLimiter(3, clock=clock), trusted_networks("127.0.0.1")
    )
    assert limits.wait_needed("conv-1", None) == 0
    assert limits.wait_needed("conv-1", None) == 0
    assert limits.wait_needed("conv-1", None) == 10  # 6 a minute: one every 10 s
    assert limits.wait_needed("conv-2", "203.0.113.7") == 0
    assert limits.wait_needed("conv-3", "203.0.113.7") == 20  # the address's limit, 3 a minute


def test_the_client_address_is_the_peer_unless_a_trusted_proxy_forwards():
    assert client_address("203.0.113.7", "10.9.9.9") == "203.0.113.7"  # header ignored
    assert client_address("127.0.0.1", None) is None  # a local caller
    assert client_address("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    # The gateway forwards the browser, HAProxy appends the gateway: rightmost untrusted.
    assert client_address("127.0.0.1", "198.51.100.1, 203.0.113.7, 127.0.0.1") == "203.0.113.7"
    assert client_address("::1", "2001:db8::5") == "2001:db8::5"
    compose = trusted_networks("127.0.0.0/8,172.16.0.0/12")
    assert client_address("172.18.0.4", "203.0.113.7, 172.18.0.3", compose) == "203.0.113.7"
    assert client_address("127.0.0.1", "not an address") == "not an address"
