"""`alembic upgrade head` on an empty database gives exactly the models' schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import moderation.models  # noqa: F401
from moderation.db import make_engine, render_item, upgrade
from moderation.models.base import Base
from tests.conftest import _postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    gen = _postgres_database()
    yield next(gen)
    gen.close()


def test_it_migrates_an_empty_database_to_exactly_the_models(empty_database: str) -> None:
    upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_item": render_item}
            )
            differences = compare_metadata(context, Base.metadata)
            tables = set(engine.dialect.get_table_names(conn))
    finally:
        engine.dispose()
    assert differences == []
    assert set(Base.metadata.tables) <= tables
