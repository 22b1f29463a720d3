"""Latency of the running assistant through its REST channel.

Plays N scripted conversations, C at a time, against a running Rasa server
(``make run``), and prints per-message latency percentiles, throughput and
errors. Traffic goes only to the URL given (localhost by default), and the run
is bounded by the number of conversations.

    .venv/bin/python bench/latency.py --conversations 40 --concurrency 1 20
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid

import aiohttp

SCRIPT = [
    "hi",
    "what can you help with",
    "what's the plan for young people",
    "where can i get help",
    "are you a bot",
    "i want to kms",
    "yes",
    "thanks",
    "bye",
]


async def conversation(
    session: aiohttp.ClientSession, url: str, timings: list[float], errors: list[str]
) -> None:
    sender = f"bench-{uuid.uuid4().hex}"
    for text in SCRIPT:
        start = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as response:
                body = await response.json()
                if response.status != 200 or not body:
                    errors.append(f"{response.status} for {text!r}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            errors.append(f"{type(error).__name__} for {text!r}")
        timings.append(time.perf_counter() - start)


async def run(url: str, conversations: int, concurrency: int) -> None:
    timings: list[float] = []
    errors: list[str] = []
    semaphore = asyncio.Semaphore(concurrency)
    timeout = aiohttp.ClientTimeout(total=120)

    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def limited() -> None:
            async with semaphore:
                await conversation(session, url, timings, errors)

        start = time.perf_counter()
        await asyncio.gather(*(limited() for _ in range(conversations)))
        elapsed = time.perf_counter() - start

    timings.sort()

    def pct(p: float) -> float:
        return timings[min(len(timings) - 1, int(len(timings) * p))] * 1000

    print(
        f"C={concurrency:<3} conversations={conversations} messages={len(timings)} "
        f"p50={pct(0.50):.1f}ms p95={pct(0.95):.1f}ms p99={pct(0.99):.1f}ms "
        f"mean={statistics.fmean(timings) * 1000:.1f}ms "
        f"throughput={len(timings) / elapsed:.1f} msg/s errors={len(errors)}"
    )
    for error in errors[:5]:
        print(f"  error: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:5005/webhooks/rest/webhook")
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 20])
    args = parser.parse_args()
    for concurrency in args.concurrency:
        asyncio.run(run(args.url, args.conversations, concurrency))


if __name__ == "__main__":
    main()
