"""Fixtures for the pure engine tests: a small hand-written lexicon and an engine on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.engine import Engine, load_lexicon
from moderation.engine.lexicon import Lexicon

FIXTURES = Path(__file__).parent / "fixtures"
LEX_DIR = FIXTURES / "lex"


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon([LEX_DIR])


@pytest.fixture(scope="session")
def engine(lexicon: Lexicon) -> Engine:
    return Engine(lexicon, classifier=None)
