"""Load benchmark: realistic mixed conversations against the real servers, as deployed.

Why: replaying one short script against a server someone else started says
little about how many people the assistant can talk to at once. This benchmark
starts the assistant itself the way ``python -m bot run`` does (one Rasa server on
SQLite, or two Rasa and two action servers behind HAProxy on PostgreSQL and
Redis), plays conversations that look like real ones (plan questions, finding
support, the feedback form through to "saved", chit-chat, and one risk message
in every twenty conversations), checks every reply, and measures:

* closed loop: C conversations at a time (C = 1, 20, 50), each sending its next
  message as soon as the previous reply arrives (no think time);
* open loop: new conversations start on a Poisson schedule so that messages arrive
  at a fixed rate (2, 5, 10, 30, 60 messages/s), and latency counts from the scheduled
  send time, so time spent queueing shows;
* per run: p50/p95/p99 latency, throughput, errors (HTTP errors and timeouts) and
  wrong replies (the reply lacks what that step expects) apart; the time from
  start to the first answer; and the memory (RSS) of every server process;
* ours against Rasa's default pipeline (what ``rasa init`` trains with, from
  Rasa's own ``default_config.yml``; trained once and cached as
  ``models/default-<hash>.tar.gz``): capacity (the highest open-loop rate with
  p95 <= 300 ms and no errors, and the closed-loop C=20 throughput) and intent
  accuracy on ``bench/intent_heldout.yml`` (held out: never tune on it).

Nothing of a real run is touched: the servers get ports from 7005/7055/7100 up
(or the next free block), the single topology a temporary SQLite file, the scaled
one a PostgreSQL database of its own (``flourish_bench``, dropped and created
again at each run). The scaled topology needs PostgreSQL on 127.0.0.1:5432 (trust
auth), Redis on 6379 (``bash scripts/start-services.sh``) and HAProxy.

Run (our model must exist: ``.venv/bin/python -m bot train``)::

    .venv/bin/python bench/load.py --quick --topology single --pipelines ours  # ~5 min
    .venv/bin/python bench/load.py          # everything: about 30 minutes
    .venv/bin/python bench/load.py --url http://localhost:5005  # a running assistant
    git worktree add /tmp/before COMMIT   # then train its model there (python -m bot train)
    .venv/bin/python bench/load.py --before /tmp/before   # that code too, in the same run

Columns: ``convs`` conversations started; ``msgs`` messages answered (HTTP 200),
the basis of the percentiles and of ``msg/s``; ``sent/s`` messages sent per second
of the level; ``errors`` HTTP errors and timeouts (their messages are not in the
percentiles; the conversation ends there); ``wrong`` answered without the words
that step expects (listed under the table); ``risk`` risk messages sent. In the
open loop only a conversation's start is on the Poisson clock: its next message
waits for the reply, as a person would, so ``sent/s`` falls below the rate asked
once the server saturates, and the first message's latency shows the queue.

Options: ``--topology single|scaled|both``, ``--pipelines ours,default``,
``--concurrency 1 20 50``, ``--rates 2 5 10 30 60``, ``--duration`` (seconds per load
level, default 30), ``--conversations`` (at most this many conversations per
closed-loop level), ``--timeout`` (seconds per message), ``--quick`` (C=1 and 20,
one rate, 10 s each, no default pipeline).

Figures depend on the machine and on whatever else it is doing: compare runs made
on the same machine at the same time, not numbers from elsewhere.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
# The project's own code, not whichever checkout the virtual environment was installed from.
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # spaCy and Rasa bring TensorFlow in

# bench/intent_eval.py: this script's folder is on sys.path.
from intent_eval import HELDOUT, examples, final_intents  # noqa: E402

from bot import settings  # noqa: E402
from bot.ops.model_store import TRAINING_DATA_DIRS, model_path, training_command  # noqa: E402

BASE_PORTS = (7005, 7055, 7100)  # RASA_PORT, ACTION_PORT, WEB_PORT
BENCH_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/flourish_bench"
START_TIMEOUT = 240.0
P95_TARGET_MS = 300.0
ERROR_PAUSE = 1.0  # seconds a closed-loop worker waits after a failed conversation
RISK_EVERY = 20  # one conversation in this many carries a risk message


# --- the conversations ------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One message, and what its reply must contain (all of them) to count as right."""

    message: str
    expect: tuple[str, ...] = ()


def say(message: str, *expect: str) -> Step:
    return Step(message, expect)


def choice(value: str) -> str:
    """The payload of a button that answers a question with ``value``."""
    return "/inform" + json.dumps({"choice": value})


GREETING = "don't need to tell me your name"
CRISIS = ("0800 1111", "116 123")  # Childline and Samaritans: the full signposting

# Each kind of conversation has a few variants, taken in turn, so that the same
# text is not sent every time. The expected words come from the tests' journeys.
DIALOGUES: dict[str, list[list[Step]]] = {
    "plan": [
        [
            say("hi", GREETING),
            say("what's the plan for young people", "plan for its children and young people"),
            say("what are the outcomes"),
            say("tell me more"),
            say("the next one"),
            say("thanks", "You're welcome"),
        ],
        [
            say("what are they doing about bullying", "outcome 5"),
            say("tell me more"),
            say("tell me more"),
            say("what's the plan in norfolk", "Norfolk"),
            say("ok bye then", "Bye for now"),
        ],
    ],
    "support with a need": [
        [
            say(
                "My son is being bullied at school, where can we get help?",
                "Here are services that help with bullying",
                "Where do you live",
            ),
            say("we live in camden", "Camden's plan"),
            say("/more_services", "more services for bullying"),
            say("can i talk to a real person", "no person behind me"),
            say("thanks", "You're welcome"),
        ],
        [
            say(
                "i feel anxious all the time, where can i get help",
                "Here are services that help with",
                "Who is the help for",
            ),
            say(choice("11-15"), "Where do you live"),
            say("norfolk", "Norfolk's plan"),
            say("/talk_to_person", "no person behind me"),
        ],
    ],
    "support, need asked": [
        [
            say("where can i get help", "What would you like help with"),
            say(choice("housing"), "housing and somewhere to live", "Who is the help for"),
            say("i'm 16", "Where do you live"),
            say("norfolk", "Norfolk's plan"),
            say("bye", "Bye for now"),
        ],
    ],
    "feedback": [
        [
            say("i want to give feedback", "Tell me in your own words"),
            say(
                "My teachers never explain the homework and I'm failing maths",
                "School and learning",
            ),
            say("/affirm", "from 1 (not at all) to 5"),
            say(choice("4"), "How old are you"),
            say("i'm 14", "Where do you live"),
            say(choice("camden"), "Can we save it"),
            say("/affirm", "is saved"),
        ],
        [
            say("hello", GREETING),
            say("I feel like nobody listens to me at school", "Being listened to"),
            say("/affirm"),
            say("/skip"),
            say("/skip"),
            say("/skip", "Can we save it"),
            say("yes", "is saved"),
        ],
    ],
    "chit-chat": [
        [
            say("hello", GREETING),
            say("are you an actual person", "I'm a chatbot"),
            say("what do they call you", "don't have a name"),
            say("can you book me a train ticket", "can't help with that"),
            say("what can you do for me", "Here's what I can help with"),
            say("ok bye then", "Bye for now"),
        ],
        [
            say("hiya", GREETING),
            say("tell me a joke"),
            say("thank you so much", "You're welcome"),
            say("bye", "Bye for now"),
        ],
    ],
}
# The risk conversation: one risk message, signposted on that very turn.
RISK_DIALOGUE = [
    say("hey", GREETING),
    say("honestly i just want to kill myself", *CRISIS),
    say("/safe_now", "glad you're safe"),
    say("thanks"),
]
# Nineteen conversations in every twenty, in a fixed shuffled order; the twentieth
# is the risk one. Feedback and support are what people come for.
MIX = ["plan"] * 4 + ["support with a need"] * 4 + ["support, need asked"] * 2
MIX += ["feedback"] * 5 + ["chit-chat"] * 4
random.Random(7).shuffle(MIX)
assert len(MIX) == RISK_EVERY - 1


def dialogue(index: int) -> tuple[str, list[Step]]:
    """The ``index``-th conversation of a load level: the same sequence every level."""
    if index % RISK_EVERY == RISK_EVERY - 1:
        return "risk", RISK_DIALOGUE
    kind = MIX[index % RISK_EVERY]
    variants = DIALOGUES[kind]
    return kind, variants[(index // RISK_EVERY + index) % len(variants)]


def mean_messages() -> float:
    """Messages per conversation over the mix, to turn a message rate into arrivals."""
    lengths = [len(dialogue(i)[1]) for i in range(RISK_EVERY * 12)]
    return sum(lengths) / len(lengths)


# --- playing them -----------------------------------------------------------------


@dataclass
class Stats:
    """What one load level measured."""

    label: str
    latencies: list[float] = field(default_factory=list)  # seconds, completed messages
    errors: Counter = field(default_factory=Counter)  # HTTP errors and timeouts
    wrong: Counter = field(default_factory=Counter)  # (kind, message, expected) -> count
    wrong_example: dict = field(default_factory=dict)
    sent: int = 0
    conversations: int = 0
    risk_messages: int = 0
    elapsed: float = 0.0
    window: float = 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def wrong_count(self) -> int:
        return sum(self.wrong.values())

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


def reply_text(body: object) -> str:
    """Every text and button title the bot sent in one turn."""
    parts = []
    for message in body if isinstance(body, list) else []:
        parts.append(message.get("text") or "")
        parts.extend(button.get("title", "") for button in message.get("buttons") or [])
    return "\n".join(parts)


async def play(
    session: aiohttp.ClientSession,
    url: str,
    index: int,
    stats: Stats,
    deadline: float,
    scheduled: float | None = None,
) -> bool:
    """Play conversation ``index`` until it ends, a request fails, or ``deadline`` passes.

    Latency runs from ``scheduled`` for the first message when given (open loop:
    the time the conversation was due to start), else from the moment of sending;
    only answered messages (HTTP 200) count in latency and throughput. A failed
    request ends the conversation (its state is unknown after that): False.
    """
    kind, steps = dialogue(index)
    sender = f"bench-{uuid.uuid4().hex}"
    stats.conversations += 1
    for number, step in enumerate(steps):
        now = time.perf_counter()
        if now >= deadline:
            return True
        start = scheduled if (number == 0 and scheduled is not None) else now
        stats.sent += 1
        if kind == "risk" and step.expect == CRISIS:
            stats.risk_messages += 1
        try:
            async with session.post(url, json={"sender": sender, "message": step.message}) as r:
                body = await r.json(content_type=None) if r.status == 200 else None
                status = r.status
        except asyncio.TimeoutError:
            stats.errors["timeout"] += 1
            return False
        except (aiohttp.ClientError, ValueError) as error:
            stats.errors[type(error).__name__] += 1
            return False
        if status != 200:
            stats.errors[f"HTTP {status}"] += 1
            return False
        stats.latencies.append(time.perf_counter() - start)
        text = reply_text(body)
        if not text.strip() or any(part not in text for part in step.expect):
            key = (kind, step.message, " + ".join(step.expect) or "(any reply)")
            stats.wrong[key] += 1
            stats.wrong_example.setdefault(key, text)
    return True


def new_session(timeout: float) -> aiohttp.ClientSession:
    # No connection limit: a client-side queue would hide the server's.
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout),
        connector=aiohttp.TCPConnector(limit=0),
    )


async def closed_loop(
    url: str, concurrency: int, duration: float, cap: int | None, timeout: float
) -> Stats:
    """``concurrency`` conversations at a time, back to back, for ``duration`` seconds.

    A person whose conversation failed does not start again that very instant:
    the worker waits ``ERROR_PAUSE`` seconds, so a server answering errors fast
    (a balancer with no server left, say) is not flooded by instant retries.
    """
    stats = Stats(f"closed C={concurrency}")
    counter = itertools.count()
    async with new_session(timeout) as session:
        start = time.perf_counter()
        deadline = start + duration

        async def worker() -> None:
            while time.perf_counter() < deadline:
                index = next(counter)
                if cap is not None and index >= cap:
                    return
                if not await play(session, url, index, stats, deadline):
                    await asyncio.sleep(max(0.0, min(ERROR_PAUSE, deadline - time.perf_counter())))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        stats.elapsed = time.perf_counter() - start
    stats.window = duration
    return stats


async def open_loop(
    url: str, rate: float, duration: float, timeout: float, seed: int, stats: Stats | None = None
) -> Stats:
    """Conversations arriving at random (Poisson) so that ``rate`` messages/s are due.

    Each conversation sends its next message as soon as its reply arrives; no new
    message is sent after ``duration`` seconds, and replies still due are waited for.
    ``stats``, when given, is filled in as the run goes (bench/soak.py reads it).
    """
    if stats is None:
        stats = Stats(f"open {rate:g}/s")
    arrivals = rate / mean_messages()
    rng = random.Random(seed)
    tasks = []
    async with new_session(timeout) as session:
        start = time.perf_counter()
        deadline = start + duration
        due = start
        for index in itertools.count():
            due += rng.expovariate(arrivals)
            if due >= deadline:
                break
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(play(session, url, index, stats, deadline, due)))
        await asyncio.gather(*tasks)
        stats.elapsed = time.perf_counter() - start
    stats.window = duration
    return stats


def settle(base_url: str, limit: float = 120.0) -> None:
    """Wait until the server answers quickly again, so one level's queue does not
    spill into the next."""
    stop = time.monotonic() + limit
    quick = 0
    while time.monotonic() < stop and quick < 3:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(base_url + "/", timeout=10):
                pass
            quick = quick + 1 if time.monotonic() - started < 0.25 else 0
        except OSError:
            quick = 0
        time.sleep(0.5)
    time.sleep(1.0)


def warm_up(url: str, timeout: float) -> Stats:
    """One conversation of each kind, one after another (not measured)."""
    stats = Stats("warm-up")

    async def run() -> None:
        async with new_session(timeout) as session:
            for index in range(RISK_EVERY):
                await play(session, url, index, stats, time.perf_counter() + 3600)

    asyncio.run(run())
    return stats


def run_loads(base_url: str, args: argparse.Namespace) -> list[Stats]:
    """Every load level against one running assistant, printing each as it ends."""
    url = base_url + "/webhooks/rest/webhook"
    results = []
    print(TABLE_HEADER, flush=True)
    for concurrency in args.concurrency:
        settle(base_url)
        stats = asyncio.run(
            closed_loop(url, concurrency, args.duration, args.conversations, args.timeout)
        )
        print(row(stats), flush=True)
        results.append(stats)
    for number, rate in enumerate(args.rates):
        settle(base_url)
        stats = asyncio.run(open_loop(url, rate, args.duration, args.timeout, args.seed + number))
        print(row(stats), flush=True)
        results.append(stats)
    return results


TABLE_HEADER = (
    f"{'load':<13}{'convs':>6}{'msgs':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    f"{'msg/s':>8}{'sent/s':>8}{'errors':>8}{'wrong':>7}{'risk':>6}"
)


def row(stats: Stats) -> str:
    sent_rate = stats.sent / stats.window if stats.window else 0.0
    return (
        f"{stats.label:<13}{stats.conversations:>6}{len(stats.latencies):>7}"
        f"{stats.pct(0.50):>9.0f}{stats.pct(0.95):>9.0f}{stats.pct(0.99):>9.0f}"
        f"{stats.throughput:>8.1f}{sent_rate:>8.1f}{stats.error_count:>8}"
        f"{stats.wrong_count:>7}{stats.risk_messages:>6}"
    )


def print_problems(results: list[Stats]) -> None:
    """The errors and wrong replies of every level, grouped."""
    for stats in results:
        if stats.errors:
            listed = ", ".join(f"{name} x{count}" for name, count in stats.errors.most_common())
            print(f"  errors in {stats.label}: {listed}")
        for key, count in stats.wrong.most_common():
            kind, message, expected = key
            got = " ".join(stats.wrong_example[key].split())[:110] or "(nothing)"
            print(f"  wrong in {stats.label} x{count}: [{kind}] {message!r} wanted {expected!r}")
            print(f"      got: {got}")


# --- starting and stopping the assistant ------------------------------------------


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def free_ports() -> tuple[int, int, int]:
    """A block of ports far from the real run's: each base and the four above it free."""
    for shift in range(0, 2000, 200):
        bases = tuple(port + shift for port in BASE_PORTS)
        if all(port_free(base + i) for base in bases for i in range(5)):
            return bases  # type: ignore[return-value]
    raise RuntimeError("no free block of ports from 7005/7055/7100 up")


def reset_bench_database(url: str) -> None:
    """Drop and recreate the benchmark's own PostgreSQL database (never a real one)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.database.endswith("_bench"):
        raise ValueError(f"refusing to drop {parsed.database!r}: not a benchmark database")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


@dataclass
class Running:
    """A ``python -m bot run`` started by this benchmark."""

    process: subprocess.Popen
    base_url: str
    log: Path
    started: float
    up_after: float = 0.0
    first_reply_after: float = 0.0


def start_assistant(
    topology: str, model: Path, workdir: Path, name: str, root: Path = ROOT
) -> Running:
    """Start ``python -m bot run`` of the checkout at ``root`` on free ports and wait for it."""
    rasa_port, action_port, web_port = free_ports()
    env = dict(os.environ)
    env.update(
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        WEB_PORT=str(web_port),
        RASA_MODEL=str(model),
        FEEDBACK_HASH_SALT="bench-salt-not-secret",
        LOG_LEVEL="WARNING",
        # Set, not derived: a checkout from before the launcher derived it (--before)
        # would call the default port. The balancer's port when scaled, the same URL.
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
        RASA_URL="",
        # All the load comes from one address, in many conversations at a high rate:
        # the per-conversation and per-address rate limits (messages per minute)
        # would answer it with refusals. "0" turns each off.
        CONVERSATION_RATE_LIMIT="0",
        ADDRESS_RATE_LIMIT="0",
    )
    if topology == "single":
        env.update(
            RASA_SERVERS="1",
            ACTION_SERVERS="1",
            TRACKER_STORE_URL=f"sqlite:///{workdir / f'{name}-tracker.db'}",
            DATABASE_URL=f"sqlite:///{workdir / f'{name}-feedback.db'}",
            LOCK_STORE_TYPE="in_memory",
        )
    else:
        reset_bench_database(BENCH_POSTGRES_URL)
        # Empty store settings: the launcher points both at POSTGRES_URL, locks at Redis.
        env.update(
            RASA_SERVERS="2",
            ACTION_SERVERS="2",
            POSTGRES_URL=BENCH_POSTGRES_URL,
            TRACKER_STORE_URL="",
            DATABASE_URL="",
            LOCK_STORE_TYPE="",
        )
    log = workdir / f"{name}.log"
    base_url = f"http://127.0.0.1:{rasa_port}"
    print(
        f"Starting {name}: RASA_PORT={rasa_port} ACTION_PORT={action_port} "
        f"WEB_PORT={web_port}, model {model.name} (log: {log})",
        flush=True,
    )
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our own process group, stopped as one
        )
    running = Running(process, base_url, log, time.monotonic())
    try:
        wait_for_answer(running)
    except BaseException:
        stop_assistant(running)
        raise
    return running


def wait_for_answer(running: Running) -> None:
    """Wait for ``/`` to answer, then for the first chat reply; note how long each took."""
    stop = running.started + START_TIMEOUT
    while True:
        if running.process.poll() is not None:
            raise RuntimeError(f"the assistant stopped while starting:\n{log_tail(running)}")
        if time.monotonic() > stop:
            raise TimeoutError(f"no answer in {START_TIMEOUT:.0f}s:\n{log_tail(running)}")
        try:
            with urllib.request.urlopen(running.base_url + "/", timeout=2):
                break
        except OSError:
            time.sleep(0.25)
    running.up_after = time.monotonic() - running.started
    request = urllib.request.Request(
        running.base_url + "/webhooks/rest/webhook",
        data=json.dumps({"sender": f"bench-start-{uuid.uuid4().hex}", "message": "hi"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    while time.monotonic() < stop:
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                if json.loads(response.read() or b"[]"):
                    running.first_reply_after = time.monotonic() - running.started
                    return
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"no chat reply in {START_TIMEOUT:.0f}s:\n{log_tail(running)}")


def log_tail(running: Running, lines: int = 30) -> str:
    text = running.log.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def stop_assistant(running: Running) -> None:
    """Ctrl-C for the launcher, which stops its servers; harder only if it hangs."""
    process = running.process
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    # Servers the launcher failed to stop, if any, are in our process group.
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


def process_tree(root: int) -> list[int]:
    """``root`` and every process under it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def describe(pid: int) -> tuple[str, int] | None:
    """A short name for a server process and its resident memory in kB."""
    try:
        argv = (Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")).split("\0")
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    rss_lines = [line for line in status.splitlines() if line.startswith("VmRSS:")]
    rss = int(rss_lines[0].split()[1]) if rss_lines else 0
    port = argv[argv.index("--port") + 1] if "--port" in argv else ""
    if "haproxy" in argv[0]:
        name = "haproxy"
    elif "actions" in argv and "rasa" in argv:
        name = f"actions :{port}"
    elif "rasa" in argv:
        name = f"rasa :{port}"
    elif "bot.web" in argv:
        name = "web"
    elif argv[1:3] == ["-m", "bot"]:
        name = "launcher"
    else:
        name = Path(argv[0]).name
    return name, rss


def memory_line(running: Running, when: str = "at the end") -> str:
    found = [d for d in map(describe, process_tree(running.process.pid)) if d]
    parts = [f"{name} {rss / 1024:.0f} MB" for name, rss in found]
    total = sum(rss for _, rss in found) / 1024
    return f"RSS {when}: {', '.join(parts)}; total {total:.0f} MB"


# --- the default pipeline ---------------------------------------------------------


def default_config_text() -> str:
    """Rasa's default pipeline and policies, as ``rasa init`` leaves them to be filled in.

    ``rasa init`` writes a config.yml whose pipeline and policies are commented out;
    Rasa then trains with its own defaults for the language, from this file. Writing
    them out here trains the same model without Rasa rewriting the config file, and
    keeps the project's own components (``bot.rasa_components``) out.
    """
    import rasa

    source = Path(rasa.__file__).parent / "engine" / "recipes" / "config_files"
    text = (source / "default_config.yml").read_text(encoding="utf-8")
    text = text.replace("assistant_id: placeholder_default", "assistant_id: flourish-bench-default")
    if "bot.rasa_components" in text or "\nlanguage: en\n" not in text:
        raise RuntimeError("Rasa's default config is not what this benchmark expects")
    return text


def default_model_path() -> Path:
    """Where the default-pipeline model for this config and data lives, by their hash."""
    import rasa

    digest = hashlib.sha256(f"rasa {rasa.__version__}\n".encode())
    digest.update(default_config_text().encode())
    files = [ROOT / "domain.yml"]
    for folder in TRAINING_DATA_DIRS:
        files.extend(sorted(p for p in (ROOT / folder).rglob("*") if p.is_file()))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return Path(settings.get("MODEL_DIR")) / f"default-{digest.hexdigest()[:16]}.tar.gz"


def ensure_default_model(log_folder: Path) -> Path:
    """Train the default-pipeline model once per config and data; reuse it after."""
    path = default_model_path()
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    config = log_folder / "default-config.yml"
    config.write_text(default_config_text(), encoding="utf-8")
    log = log_folder / "train-default.log"
    print(f"Training the default-pipeline model {path.name} (log: {log}); this takes minutes.")
    command = training_command(str(config), path)
    with log.open("wb") as out:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env=settings.process_environment(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if done.returncode != 0 or not path.exists():
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:]
        raise RuntimeError("training the default pipeline failed:\n" + "\n".join(tail))
    return path


# --- intent accuracy --------------------------------------------------------------


@dataclass
class Accuracy:
    right: int
    total: int
    risk_right: int
    risk_total: int
    fell_back: int
    risk_missed: list[tuple[str, str]]

    def line(self) -> str:
        return (
            f"{self.right}/{self.total} ({self.right / self.total:.1%}), "
            f"risk_signal {self.risk_right}/{self.risk_total} "
            f"({self.risk_right / self.risk_total:.1%}), nlu_fallback {self.fell_back}"
        ) + "".join(f"\n    risk missed: {text!r} -> {got}" for text, got in self.risk_missed)


def intent_accuracy(model: Path) -> Accuracy:
    """The final intent of each held-out phrasing, the model loaded in-process.

    For our model that is the intent after our own components, which may relabel
    a message as ``risk_signal``. ``nlu_fallback`` counts as wrong.
    """
    items = examples("all")
    got, _ = final_intents(model, [item["text"] for item in items])
    pairs = [(item["intent"], name) for item, name in zip(items, got, strict=True)]
    risk = [(want, name) for want, name in pairs if want == "risk_signal"]
    missed = [
        (item["text"], name)
        for item, name in zip(items, got, strict=True)
        if item["intent"] == "risk_signal" and name != "risk_signal"
    ]
    return Accuracy(
        right=sum(want == name for want, name in pairs),
        total=len(pairs),
        risk_right=sum(want == name for want, name in risk),
        risk_total=len(risk),
        fell_back=sum(name == "nlu_fallback" for _, name in pairs),
        risk_missed=missed,
    )


# --- the whole run ----------------------------------------------------------------


TOPOLOGIES = {
    "single": "1 Rasa server and 1 action server, SQLite tracker, in-memory locks",
    "scaled": "2 Rasa and 2 action servers behind HAProxy, PostgreSQL tracker, Redis locks",
}


@dataclass
class RunResult:
    pipeline: str
    topology: str
    results: list[Stats]

    def capacity(self) -> str:
        passing = [
            stats.label.removeprefix("open ")
            for stats in self.results
            if stats.label.startswith("open")
            and stats.error_count == 0
            and stats.pct(0.95) <= P95_TARGET_MS
        ]
        return passing[-1] if passing else "below the rates tried"

    def closed(self, concurrency: int) -> str:
        for stats in self.results:
            if stats.label == f"closed C={concurrency}":
                return f"{stats.throughput:.1f} msg/s"
        return "not run"


def bench_topology(
    pipeline: str, topology: str, model: Path, workdir: Path, args: argparse.Namespace
) -> RunResult:
    name = f"{pipeline}-{topology}"
    print(f"\n== {pipeline} pipeline, {topology}: {TOPOLOGIES[topology]} ==", flush=True)
    root = Path(args.before) if pipeline == "before" else ROOT
    running = start_assistant(topology, model, workdir, name, root)
    try:
        print(
            f"Start to first answer: / after {running.up_after:.1f} s, "
            f"first chat reply after {running.first_reply_after:.1f} s",
            flush=True,
        )
        warm = warm_up(running.base_url + "/webhooks/rest/webhook", args.timeout)
        print(
            f"Warm-up: {warm.conversations} conversations, {warm.sent} messages, "
            f"{warm.error_count} errors, {warm.wrong_count} wrong (not counted below)",
            flush=True,
        )
        results = run_loads(running.base_url, args)
        print(memory_line(running), flush=True)
    finally:
        stop_assistant(running)
    print_problems([warm, *results])
    return RunResult(pipeline, topology, results)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--topology", choices=["single", "scaled", "both"], default="both")
    parser.add_argument("--pipelines", default="ours,default", help="ours,default (or one)")
    parser.add_argument("--url", help="only load a running assistant, e.g. http://localhost:5005")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 20, 50])
    parser.add_argument("--rates", type=float, nargs="+", default=[2, 5, 10, 30, 60])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per level")
    parser.add_argument("--conversations", type=int, help="cap per closed-loop level")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per message")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="a smoke run: C=1,20, one rate")
    parser.add_argument(
        "--before",
        help="a checkout of the code to compare with, its model trained "
        "(git worktree add /tmp/before COMMIT), run as pipeline 'before', single server",
    )
    args = parser.parse_args(argv)
    pipelines = [name.strip() for name in args.pipelines.split(",") if name.strip()]
    if not pipelines or set(pipelines) - {"ours", "default"}:
        parser.error("--pipelines takes ours, default or both (comma-separated)")
    if args.quick:
        args.concurrency = [c for c in args.concurrency if c <= 20] or [1]
        args.rates = args.rates[:1]
        args.duration = min(args.duration, 10.0)
        pipelines = [name for name in pipelines if name != "default"] or ["ours"]
    if args.before:
        pipelines = ["before", *pipelines]
    args.pipelines = pipelines
    args.topologies = ["single", "scaled"] if args.topology == "both" else [args.topology]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(
        f"Mix: {RISK_EVERY - 1} of every {RISK_EVERY} conversations from "
        f"{', '.join(sorted(set(MIX)))}; 1 with a risk message; "
        f"{mean_messages():.2f} messages per conversation on average. "
        f"{args.duration:g} s per level, {args.timeout:g} s timeout, no think time.",
        flush=True,
    )
    if args.url:
        results = run_loads(args.url.rstrip("/"), args)
        print_problems(results)
        return 0
    ours = model_path()
    if "ours" in args.pipelines and not ours.exists():
        print(f"Our model {ours} is missing: .venv/bin/python -m bot train", file=sys.stderr)
        return 1
    runs: list[RunResult] = []
    models: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="flourish-load-") as folder:
        workdir = Path(folder)
        if "default" in args.pipelines:
            models["default"] = ensure_default_model(workdir)
        if "ours" in args.pipelines:
            models["ours"] = ours
        if args.before:
            models["before"] = Path(
                subprocess.run(
                    [sys.executable, "-m", "bot", "model-path"],
                    cwd=args.before, capture_output=True, text=True, check=True,
                ).stdout.strip()
            )  # fmt: skip
        for pipeline in args.pipelines:
            topologies = args.topologies if pipeline == "ours" else ["single"]
            for topology in topologies:
                runs.append(bench_topology(pipeline, topology, models[pipeline], workdir, args))
    print_summary(runs, models, args)
    return 0


def print_summary(runs: list[RunResult], models: dict[str, Path], args: argparse.Namespace) -> None:
    print("\n== Summary ==")
    print(f"{'pipeline, topology':<22}{'capacity (open loop)':>22}{'closed C=20':>14}  model")
    for run in runs:
        print(
            f"{run.pipeline + ', ' + run.topology:<22}{run.capacity():>22}"
            f"{run.closed(20):>14}  {models[run.pipeline].name}"
        )
    print(
        f"Capacity: the highest of the rates tried ({', '.join(f'{r:g}' for r in args.rates)} "
        f"msg/s) with p95 <= {P95_TARGET_MS:.0f} ms and no errors."
    )
    if args.quick:
        return
    print(f"\nIntent accuracy on {HELDOUT.relative_to(ROOT)} (held out; never tune on it):")
    for pipeline, model in models.items():
        print(f"  {pipeline:<8} {intent_accuracy(model).line()}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
