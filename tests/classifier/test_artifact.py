"""Training on fixtures gives an artifact that loads, predicts, round-trips, resists tampering."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from moderation.engine.classifier import ArtifactError, LinearClassifier, load, load_default
from moderation.engine.normalize import normalize
from moderation.training.artifact import write_artifact
from moderation.training.train import TrainResult

GAMBLING = "真人百家乐首充送彩金，出款秒到"
CLEAN = "明天早上一起去公园散步吧"


def _norm(texts: list[str]) -> list[str]:
    return [normalize(t).text for t in texts]


def test_it_predicts_the_trained_category(model: LinearClassifier) -> None:
    scores = model.score_batch(_norm([GAMBLING, CLEAN]))
    assert set(scores[0]) == set(model.categories)
    assert all(0.0 <= p <= 1.0 for row in scores for p in row.values())
    assert scores[0]["gambling"] > scores[1]["gambling"]
    assert max(scores[0], key=lambda c: scores[0][c]) == "gambling"


def test_it_round_trips_with_identical_scores(
    trained: TrainResult, model: LinearClassifier
) -> None:
    texts = _norm([GAMBLING, CLEAN, "刷单返利日结"])
    again = load(trained.folder)
    assert again.version == model.version == trained.version
    assert again.score_batch(texts) == model.score_batch(texts)


def test_it_scores_the_same_with_or_without_engine_tokens(model: LinearClassifier) -> None:
    from moderation.engine.segment import segment

    texts = _norm([GAMBLING, CLEAN])
    assert model.score_batch(texts, [segment(t) for t in texts]) == model.score_batch(texts)


def test_it_gives_no_scores_to_texts_with_under_three_characters(model: LinearClassifier) -> None:
    # "博彩" alone is two characters of the trained category: too little evidence to score.
    scores = model.score_batch(_norm(["博彩", "博彩！！", GAMBLING]))
    assert set(scores[0].values()) == {0.0} and set(scores[1].values()) == {0.0}
    assert scores[2]["gambling"] > 0.0


def test_it_handles_empty_batches_and_empty_text(model: LinearClassifier) -> None:
    assert model.score_batch([]) == []
    (row,) = model.score_batch([""])
    assert set(row) == set(model.categories)


def test_it_trains_reproducibly(
    tmp_path: Path, trained: TrainResult, train_small: Callable[[Path], TrainResult]
) -> None:
    again = train_small(tmp_path / "classifier")
    assert again.version == trained.version
    for name in ("model.json", "vocab.txt", "arrays.npz", "manifest.json"):
        assert (again.folder / name).read_bytes() == (trained.folder / name).read_bytes()
    assert "## Known weaknesses" in (tmp_path / "MODEL_CARD.md").read_text(encoding="utf-8")


@pytest.fixture()
def copy(trained: TrainResult, tmp_path: Path) -> Path:
    return Path(shutil.copytree(trained.folder, tmp_path / "copy"))


@pytest.mark.parametrize("name", ["model.json", "vocab.txt", "arrays.npz"])
def test_it_refuses_a_tampered_file(copy: Path, name: str) -> None:
    data = bytearray((copy / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (copy / name).write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match=f"{name}.*tampered"):
        load(copy)


def test_it_refuses_a_foreign_artifact(copy: Path) -> None:
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["format"] = "some-other-model"
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="foreign"):
        load(copy)


def test_it_refuses_a_folder_without_manifest(copy: Path) -> None:
    (copy / "manifest.json").unlink()
    with pytest.raises(ArtifactError, match="no manifest"):
        load(copy)


def test_it_refuses_a_manifest_whose_version_was_edited(copy: Path) -> None:
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["version"] = "sha256:0000000000000000"
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="version"):
        load(copy)


def test_it_refuses_consistent_files_with_wrong_shapes(tmp_path: Path) -> None:
    write_artifact(
        tmp_path,
        vocabulary=["a", "b", "c"],
        idf=np.ones(3),
        weights=np.zeros((2, 1)),  # one row short of the vocabulary
        bias=np.zeros(1),
        categories=["spam"],
        char_ngrams=(1, 2),
        calibration=[(1.0, 0.0)],
        thresholds={"spam": {"review": 0.5, "block": 0.9}},
        metadata={},
    )
    with pytest.raises(ArtifactError, match="shapes"):
        load(tmp_path)


def test_it_loads_the_default_only_when_present(
    trained: TrainResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODERATION_MODEL_DIR", str(tmp_path / "absent"))
    assert load_default() is None
    monkeypatch.setenv("MODERATION_MODEL_DIR", str(trained.folder))
    loaded = load_default()
    assert loaded is not None and loaded.version == trained.version


def test_it_refuses_an_artifact_from_another_featuriser(copy: Path) -> None:
    model = json.loads((copy / "model.json").read_text(encoding="utf-8"))
    model["featurizer"] = "char-only-0"
    (copy / "model.json").write_text(json.dumps(model), encoding="utf-8")
    # Re-seal the manifest so only the featuriser check can catch it.
    from moderation.engine.classifier import FILES, artifact_version, file_sha256

    hashes = {name: file_sha256(copy / name) for name in FILES}
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest.update(files=hashes, version=artifact_version(hashes))
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="featuriser 'char-only-0'"):
        load(copy)
