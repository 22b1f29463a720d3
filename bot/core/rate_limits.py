"""How fast one conversation, or one client address, may send messages.

One person types a message every few seconds and taps a button now and then; a
script can send a thousand in a second, holding the conversation's lock and the
server's only event loop while real young people wait. Each key (a conversation
id or a client address) gets a token bucket: a burst of about a third of a
minute's allowance, refilled steadily. Over the limit the sender is told to slow
down (HTTP 429 with the wait), and nothing of the message is processed or stored.

Buckets live in the process: with several Rasa servers behind the balancer each
keeps its own, so the limits add up across servers (documented in the README).
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Mapping

from bot import settings

# Enough keys for every conversation of a busy hour; the oldest idle ones go first.
MAX_KEYS = 100_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets per key: ``per_minute`` messages a minute, bursts of a third of that.

    ``per_minute`` 0 turns the limit off (benchmarks send from one address).
    """

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.per_second = per_minute / 60
        self.capacity = max(1.0, per_minute / 3)
        self.clock = clock
        self.max_keys = max_keys
        self.buckets: OrderedDict[str, _Bucket] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.per_second > 0

    def wait_needed(self, key: str) -> float:
        """Seconds to wait before ``key`` may send again; 0 means go ahead (and counts it)."""
        if not self.enabled:
            return 0.0
        now = self.clock()
        bucket = self.buckets.pop(key, None) or _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.per_second)
        bucket.updated = now
        self.buckets[key] = bucket  # most recently used last
        if len(self.buckets) > self.max_keys:
            self.buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.per_second


Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def trusted_networks(text: str) -> Networks:
    """The networks of proxies whose ``X-Forwarded-For`` is believed (comma-separated)."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    )


THIS_MACHINE = trusted_networks("127.0.0.0/8,::1")


def _trusted(address: str, trusted: Networks) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(
    peer: str | None, forwarded_for: str | None, trusted: Networks = THIS_MACHINE
) -> str | None:
    """The address a message really came from, or None for a trusted local caller.

    A proxy we run (the web app's gateway, HAProxy: ``TRUSTED_PROXIES``) says who
    it forwards for in ``X-Forwarded-For``; each hop appends, so the rightmost
    address that is not a trusted proxy is the one the nearest proxy saw. A client
    talking to us directly cannot choose its address that way: its header is
    ignored. A trusted caller with no such header (the shell, a benchmark on this
    machine) is not limited by address.
    """
    if not peer or not _trusted(peer, trusted):
        return peer or None
    for hop in reversed((forwarded_for or "").split(",")):
        hop = hop.strip()
        if hop and not _trusted(hop, trusted):
            return hop
    return None


@dataclass
class SenderLimits:
    """The two limits every incoming message passes: its conversation's and its address's."""

    conversation: RateLimiter
    address: RateLimiter
    trusted: Networks

    @classmethod
    def from_settings(cls, env: Mapping[str, str] | None = None) -> SenderLimits:
        return cls(
            conversation=RateLimiter(int(settings.get("CONVERSATION_RATE_LIMIT", env))),
            address=RateLimiter(int(settings.get("ADDRESS_RATE_LIMIT", env))),
            trusted=trusted_networks(settings.get("TRUSTED_PROXIES", env)),
        )

    def client_address(self, peer: str | None, forwarded_for: str | None) -> str | None:
        return client_address(peer, forwarded_for, self.trusted)

    def wait_needed(self, conversation: str, address: str | None) -> int:
        """Whole seconds to wait (0: go ahead). No address: a trusted local caller."""
        wait = self.conversation.wait_needed(f"c:{conversation}")
        if not wait and address:
            wait = self.address.wait_needed(f"a:{address}")
        return math.ceil(wait)
