"""Load test of the whole path (API, Redis, worker, database) on loopback; prints figures.

    # start a service (gunicorn + workers on real Redis db 11, SQLite in a temp folder) and
    # measure it:
    python bench/bench_service.py --start
    python bench/bench_service.py --start \
        --database-url postgresql+psycopg://postgres@127.0.0.1/moderation_bench
    # or measure a running service:
    python bench/bench_service.py --url http://127.0.0.1:8000 --key mod_...

Measures, each bounded in count and time:
1. single intake: posts/s from the first POST until every post has a verdict;
2. batch intake: posts/s for batches of 500, same end point;
3. `wait` latency at a fixed rate (default 100 requests/s, open loop: latency counts from the
   scheduled send time, so a slow server cannot hide queueing): p50, p99, max.
Targets on the 2-core reference machine: >= 1,000 posts/s batch; p99 < 50 ms at 100/s.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
FALLBACK = [
    "你好，今天天气不错，一起去公园散步吧",
    "出售冰毒，加微信abc123",
    "六合彩内部资料，稳赚不赔",
]


#: Share of posts drawn from the harmful part of the corpus (the rest: hard negatives).
HARMFUL_SHARE = [0.2]


def _corpus() -> tuple[list[str], list[str]]:
    """(harmful, harmless) texts of the project's corpus (data/corpus)."""
    harmful: list[str] = []
    harmless: list[str] = []
    for path in sorted(CORPUS.glob("*.jsonl")) if CORPUS.exists() else []:
        target = harmless if path.stem.startswith("negatives") else harmful
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                target.append(json.loads(line)["text"])
            except (ValueError, KeyError):
                continue
    return harmful or FALLBACK[1:], harmless or FALLBACK[:1]


def texts(n: int, seed: int = 7) -> list[str]:
    """`n` realistic posts from the corpus, `HARMFUL_SHARE` of them harmful, made unique."""
    harmful, harmless = _corpus()
    rng = random.Random(seed)
    return [
        f"{rng.choice(harmful if rng.random() < HARMFUL_SHARE[0] else harmless)} #{i}"
        for i in range(n)
    ]


class Client:
    """A keep-alive HTTP/1.1 connection per thread."""

    def __init__(self, base: str, key: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        self.local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        return conn  # type: ignore[no-any-return]

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        for attempt in range(2):
            conn = self._conn()
            try:
                conn.request(method, path, body=data, headers=self.headers)
                response = conn.getresponse()
                payload = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    self.local.conn = None
                return response.status, json.loads(payload) if payload else None
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def service_cpu_seconds(roots: list[int]) -> float:
    """CPU time (user + system) used so far by the service processes and their children."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, list(roots)
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except OSError:
            continue
        todo.extend(_children(pid))
    return total


def wait_all_decided(client: Client, ids: list[str], deadline: float) -> float:
    """Poll until every id has a verdict (oldest first); returns the time it happened."""
    remaining = list(ids)
    while remaining and time.monotonic() < deadline:
        status, body = client.call("GET", f"/v1/moderations/{remaining[0]}")
        if status == 200 and body["status"] == "decided":
            remaining.pop(0)
            continue
        time.sleep(0.05)
    if remaining:
        raise SystemExit(f"{len(remaining)} posts still pending at the time limit")
    return time.monotonic()


def bench_single(client: Client, n: int, concurrency: int, limit: float) -> tuple[float, float]:
    """Posts/s of single intake (no wait): accepted by the API, and with every verdict written."""
    bodies = [{"text": t} for t in texts(n, seed=1)]
    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda b: client.call("POST", "/v1/moderations", b), bodies))
    accepted = time.monotonic()
    ids = [body["id"] for status, body in results if status in (200, 202)]
    assert len(ids) == n, [r for r in results if r[0] not in (200, 202)][:3]
    done = wait_all_decided(client, ids, started + limit)
    return n / (accepted - started), n / (done - started)


def bench_batch(client: Client, batches: int, size: int, concurrency: int, limit: float) -> float:
    """Posts/s of batch intake, until every verdict is written."""
    all_texts = texts(batches * size, seed=2)
    payloads = [
        {"posts": [{"text": t} for t in all_texts[i * size : (i + 1) * size]]}
        for i in range(batches)
    ]
    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(
            pool.map(lambda p: client.call("POST", "/v1/moderations/batch", p), payloads)
        )
    ids = [m["id"] for status, body in results if status == 202 for m in body["moderations"]]
    assert len(ids) == batches * size, results[0][1] if results else None
    # Batches are processed in order; the last post of each batch closes that batch.
    done = wait_all_decided(client, ids[size - 1 :: size], started + limit)
    return batches * size / (done - started)


def bench_wait(client: Client, rate: float, seconds: float) -> dict[str, float]:
    """Latency of `wait` requests sent at a fixed rate (open loop)."""
    count = int(rate * seconds)
    bodies = [{"text": t, "wait": 10} for t in texts(count, seed=3)]
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def send(scheduled: float, body: dict[str, Any]) -> None:
        status, _ = client.call("POST", "/v1/moderations", body)
        elapsed = time.monotonic() - scheduled
        with lock:
            latencies.append(elapsed * 1000)
            statuses.append(status)

    start = time.monotonic() + 0.1
    with ThreadPoolExecutor(64) as pool:
        for i, body in enumerate(bodies):
            scheduled = start + i / rate
            delay = scheduled - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, scheduled, body)
    latencies.sort()
    return {
        "requests": count,
        "decided_200": sum(1 for s in statuses if s == 200),
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "max_ms": latencies[-1],
    }


def _env(args: argparse.Namespace, instance: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        MODERATION_INSTANCE_DIR=str(instance),
        MODERATION_REDIS_URL=args.redis_url,
        MODERATION_DATABASE_URL=args.database_url or f"sqlite:///{instance / 'bench.db'}",
        MODERATION_SECRET_KEY="bench",
        MODERATION_FIELD_KEYS="b1:" + base64.b64encode(b"b" * 32).decode(),
        MODERATION_BLIND_INDEX_KEY=base64.b64encode(b"i" * 32).decode(),
        PYTHONPATH=str(ROOT),
    )
    return env


#: Pids of the processes `started_service` runs (for CPU accounting).
SERVICE_PIDS: list[int] = []


@contextmanager
def started_service(args: argparse.Namespace) -> Iterator[tuple[str, str]]:
    """Run gunicorn + RQ workers on a fresh instance; yields (base URL, API key)."""
    from redis import Redis

    from moderation.cli.service_cmds import die_with_parent

    Redis.from_url(args.redis_url).flushdb()
    instance = Path(tempfile.mkdtemp(prefix="bench-service-"))
    env = _env(args, instance)
    bin_dir = Path(sys.executable).parent
    run = [str(bin_dir / "moderation")]
    if args.database_url and args.database_url.startswith("postgresql"):
        _create_database(args.database_url)
    subprocess.run([*run, "db", "upgrade"], env=env, check=True, capture_output=True)
    if args.database_url and args.database_url.startswith("postgresql"):
        _reset_tables(env)
    output = subprocess.run(
        [*run, "tenant", "create", f"bench-{os.getpid()}"], env=env, check=True, capture_output=True
    ).stdout.decode()
    key = next(w for w in output.split() if w.startswith("mod_"))
    log = open(instance / "service.log", "wb")  # noqa: SIM115 (closed with the processes)
    port = args.port
    processes = [
        subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "wsgi:app",
                "-b",
                f"127.0.0.1:{port}",
                "-k",
                "gthread",
                "--workers",
                str(args.api_processes),
                "--threads",
                "32",
                "--keep-alive",
                "30",
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )
    ]
    for _ in range(args.workers):
        processes.append(
            subprocess.Popen(
                [sys.executable, str(ROOT / "worker.py")],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
            )
        )
    SERVICE_PIDS[:] = [p.pid for p in processes]
    base = f"http://127.0.0.1:{port}"
    try:
        _await_health(base)
        time.sleep(2)  # workers load the engine
        yield base, key
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        log.close()
        print(f"service log: {instance / 'service.log'}", file=sys.stderr)


def _create_database(url: str) -> None:
    """Create the PostgreSQL bench database if it does not exist yet."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _reset_tables(env: dict[str, str]) -> None:
    """Empty a PostgreSQL bench database so runs are comparable."""
    from sqlalchemy import create_engine, text

    import moderation.models  # noqa: F401
    from moderation.models.base import Base

    engine = create_engine(env["MODERATION_DATABASE_URL"])
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} CASCADE"))
    engine.dispose()


def _await_health(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(
                urlsplit(base).hostname, urlsplit(base).port, timeout=2
            )
            conn.request("GET", "/v1/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("service did not become healthy")


def _per_post(cpu_before: float, posts: int) -> str:
    """Service CPU per post since `cpu_before`, and what two idle cores would sustain."""
    if not SERVICE_PIDS:
        return ""
    used_ms = (service_cpu_seconds(SERVICE_PIDS) - cpu_before) * 1000 / posts
    api_ms = (service_cpu_seconds(SERVICE_PIDS[:1]) - API_CPU[0]) * 1000 / posts
    cores = os.cpu_count() or 1
    rate = cores * 1000 / used_ms
    return (
        f"; service CPU {used_ms:.2f} ms/post, API {api_ms:.2f} of it "
        f"(= {rate:,.0f} posts/s on {cores} free cores)"
    )


#: API processes' CPU at the start of the current phase.
API_CPU = [0.0]


def _phase_start() -> float:
    API_CPU[0] = service_cpu_seconds(SERVICE_PIDS[:1])
    return service_cpu_seconds(SERVICE_PIDS)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--url", help="base URL of a running service")
    parser.add_argument("--key", help="platform API key for --url")
    parser.add_argument("--start", action="store_true", help="start gunicorn + workers here")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--api-processes", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, default=2, help="RQ worker processes (one per core measured best)"
    )
    parser.add_argument("--single", type=int, default=2000, help="posts for single intake")
    parser.add_argument("--batches", type=int, default=20, help="batches of --batch-size")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--rate", type=float, default=100.0, help="wait requests per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of the wait test")
    parser.add_argument("--limit", type=float, default=120.0, help="time limit per phase (s)")
    parser.add_argument(
        "--harmful-share", type=float, default=0.2, help="share of harmful posts (corpus)"
    )
    args = parser.parse_args()
    if not args.start and not (args.url and args.key):
        parser.error("give --start, or --url and --key")
    HARMFUL_SHARE[0] = args.harmful_share

    @contextmanager
    def given() -> Iterator[tuple[str, str]]:
        yield args.url, args.key

    with started_service(args) if args.start else given() as (base, key):
        client = Client(base, key)
        client.call("POST", "/v1/moderations", {"text": "预热", "wait": 10})  # warm up
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
            f"posts: {args.harmful_share:.0%} harmful (data/corpus)"
        )
        cpu = _phase_start()
        accepted, single = bench_single(client, args.single, 16, args.limit)
        print(
            f"single intake: {single:,.0f} posts/s decided, {accepted:,.0f} posts/s accepted "
            f"({args.single} posts, 16 concurrent clients){_per_post(cpu, args.single)}"
        )
        cpu = _phase_start()
        batch = bench_batch(client, args.batches, args.batch_size, 2, args.limit)
        print(
            f"batch intake:  {batch:,.0f} posts/s ({args.batches} batches of {args.batch_size})"
            f"{_per_post(cpu, args.batches * args.batch_size)}"
        )
        cpu = _phase_start()
        waits = bench_wait(client, args.rate, args.seconds)
        print(
            f"wait requests at {args.rate:g}/s for {args.seconds:g}s: "
            f"p50 {waits['p50_ms']:.1f} ms, p99 {waits['p99_ms']:.1f} ms, "
            f"max {waits['max_ms']:.1f} ms, {waits['decided_200']}/{waits['requests']} decided"
            f"{_per_post(cpu, int(waits['requests']))}"
        )


if __name__ == "__main__":
    main()
