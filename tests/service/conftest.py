"""Fixtures of the service tests: short timings, the engine (loaded once), in-process and
subprocess RQ workers, and a local webhook receiver."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from moderation.cli.service_cmds import die_with_parent
from moderation.config import Settings
from moderation.queue import context
from moderation.queue.enqueue import ALL_QUEUES, queue
from moderation.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared test settings with timings short enough for tests."""
    return replace(
        settings,
        pending_timeout_seconds=1,
        sweep_interval_seconds=0.2,
        webhook_backoff_seconds=0.2,
        webhook_timeout_seconds=2.0,
        webhook_max_attempts=3,
        max_job_attempts=3,
    )


@pytest.fixture(scope="session")
def engine() -> Any:
    """The real engine, loaded once for the whole test session."""
    from moderation.engine import load_engine

    return load_engine()


@pytest.fixture
def work(runtime: Runtime, engine: Any) -> Callable[[], bool]:
    """Run every queued job now, in this process, with a real RQ worker (burst mode)."""
    context.install(context.WorkerContext(runtime, engine))

    def _work() -> bool:
        worker = SimpleWorker(
            [queue(runtime.redis, name) for name in ALL_QUEUES],
            connection=runtime.redis,
            serializer=JSONSerializer,
        )
        return worker.work(burst=True, logging_level="WARNING")

    return _work


def worker_env(settings: Settings, **extra: str) -> dict[str, str]:
    """Environment for a worker subprocess using the same Redis, database and keys."""
    env = dict(os.environ)
    kid, key = next(iter(settings.field_keys.items()))
    env.update(
        MODERATION_INSTANCE_DIR=str(settings.instance_dir),
        MODERATION_REDIS_URL=str(settings.redis_url),
        MODERATION_DATABASE_URL=str(settings.database_url),
        MODERATION_SECRET_KEY=settings.secret_key,
        MODERATION_FIELD_KEYS=f"{kid}:{base64.b64encode(key).decode()}",
        MODERATION_BLIND_INDEX_KEY=base64.b64encode(settings.blind_index_key).decode(),
        MODERATION_PENDING_TIMEOUT_SECONDS=str(settings.pending_timeout_seconds),
        MODERATION_SWEEP_INTERVAL_SECONDS=str(settings.sweep_interval_seconds),
        MODERATION_WEBHOOK_ALLOW_PRIVATE_NETWORKS=str(settings.webhook_allow_private_networks),
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def spawn_worker(settings: Settings, *args: str, **env: str) -> subprocess.Popen[bytes]:
    """Start `moderation worker` as a real separate process (log in the instance folder)."""
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    log = open(settings.instance_dir / "worker.log", "ab")  # noqa: SIM115 (the child owns it)
    try:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "worker.py"), *args],
            env=worker_env(settings, **env),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,  # no orphan workers if the test run is killed
        )
    finally:
        log.close()


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a worker process (SIGTERM, then SIGKILL)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(predicate: Callable[[], Any], timeout: float = 15.0, step: float = 0.05) -> Any:
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"condition not met within {timeout}s")


@dataclass
class Received:
    """One request the receiver got."""

    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Receiver:
    """A local HTTP server standing in for a platform's webhook endpoint."""

    url: str
    received: list[Received] = field(default_factory=list)
    #: Status codes to answer, in order; then 200.
    script: list[int] = field(default_factory=list)

    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on a free loopback port, serving in a thread."""
    state = Receiver(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                status = state.script.pop(0) if state.script else 200
                state.received.append(Received(dict(self.headers.items()), body, status))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
