"""A classifier trained once per test session on the tiny fixture data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from moderation.engine.classifier import LinearClassifier, load
from moderation.training.fit import FitConfig
from moderation.training.train import TrainResult, train

FIXTURES = Path(__file__).parent / "fixtures"
DATASETS = FIXTURES / "datasets"
CORPUS = FIXTURES / "corpus"
# Small data: keep every term, two folds.
SMALL = FitConfig(min_df=1, folds=2, max_features=50_000)


def _quiet(_: str) -> None:
    pass


@pytest.fixture(scope="session")
def train_small() -> Callable[[Path], TrainResult]:
    """Train on the fixtures into a folder (with its model card next to it)."""

    def run(out: Path) -> TrainResult:
        return train(out, DATASETS, CORPUS, SMALL, _quiet, out.parent / "MODEL_CARD.md")

    return run


@pytest.fixture(scope="session")
def trained(
    tmp_path_factory: pytest.TempPathFactory, train_small: Callable[[Path], TrainResult]
) -> TrainResult:
    return train_small(tmp_path_factory.mktemp("model") / "classifier")


@pytest.fixture()
def model(trained: TrainResult) -> LinearClassifier:
    return load(trained.folder)
