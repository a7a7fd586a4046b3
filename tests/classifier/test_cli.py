"""`moderation train` / `moderation evaluate` on fixtures, and their errors for bad data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import main
from moderation.training.train import TrainResult

from .conftest import CORPUS, DATASETS


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_it_evaluates_a_jsonl_file(runner: CliRunner, trained: TrainResult, tmp_path: Path) -> None:
    data = _write(
        tmp_path / "eval.jsonl",
        [
            json.dumps({"text": "真人百家乐首充送彩金，出款秒到", "label": "gambling"}),
            json.dumps({"text": "刷单返利，日结佣金，稳赚不赔", "labels": ["fraud"]}),
            json.dumps({"text": "周末一起去爬山吧", "label": "clean"}),
            json.dumps({"text": "今天的晚饭很好吃", "label": ""}),
        ],
    )
    args = ["evaluate", "--data", str(data), "--model", str(trained.folder)]
    res = runner.invoke(main, [*args, "--json"])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.output)
    assert rep["items"] == 4 and rep["clean_items"] == 2
    assert rep["per_category"]["gambling"]["support"] == 1
    assert rep["per_category"]["fraud"]["support"] == 1
    matrix = rep["confusion"]["matrix"]
    assert sum(map(sum, matrix)) == 4  # one row per (item, label), clean items one row each
    table = runner.invoke(main, args)
    assert table.exit_code == 0 and "macro-F1" in table.output and "confusion" in table.output


def test_it_prints_builtin_quality_figures(runner: CliRunner, trained: TrainResult) -> None:
    res = runner.invoke(
        main,
        [
            "evaluate",
            "--builtin",
            "--model",
            str(trained.folder),
            "--datasets",
            str(DATASETS),
            "--corpus",
            str(CORPUS),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    figures = json.loads(res.output)
    for key in ("cold_dev_accuracy", "corpus_macro_f1", "thucnews_block_rate"):
        assert figures[key] == pytest.approx(trained.figures[key])
    assert figures["cold_dev_items"] == 4


def test_it_trains_from_the_command_line(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "m" / "classifier"
    res = runner.invoke(
        main,
        [
            "train",
            "--out",
            str(out),
            "--datasets",
            str(DATASETS),
            "--corpus",
            str(CORPUS),
            "--seed",
            "3",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "cold_dev_accuracy" in res.output and (out / "manifest.json").is_file()
    assert (tmp_path / "m" / "MODEL_CARD.md").is_file()
    assert "[train] fitting gambling" in res.stderr


def _copy_data(tmp_path: Path) -> tuple[Path, Path]:
    return (
        Path(shutil.copytree(DATASETS, tmp_path / "datasets")),
        Path(shutil.copytree(CORPUS, tmp_path / "corpus")),
    )


def _train(runner: CliRunner, datasets: Path, corpus: Path, tmp_path: Path) -> str:
    res = runner.invoke(
        main,
        [
            "train",
            "--out",
            str(tmp_path / "out"),
            "--datasets",
            str(datasets),
            "--corpus",
            str(corpus),
        ],
    )
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    return res.output


def test_it_names_a_missing_dataset_file(runner: CliRunner, tmp_path: Path) -> None:
    datasets, corpus = _copy_data(tmp_path)
    (datasets / "swsr" / "SexComment.csv").unlink()
    out = _train(runner, datasets, corpus, tmp_path)
    assert "SexComment.csv: training data file not found" in out


def test_it_names_the_malformed_csv_line(runner: CliRunner, tmp_path: Path) -> None:
    datasets, corpus = _copy_data(tmp_path)
    with (datasets / "cold" / "train.csv").open("a", encoding="utf-8") as fh:
        fh.write("999,train,race,maybe,这一行的标签不对\n")
    out = _train(runner, datasets, corpus, tmp_path)
    assert "train.csv: line 22: label must be 0 or 1" in out


def test_it_names_the_malformed_corpus_line(runner: CliRunner, tmp_path: Path) -> None:
    datasets, corpus = _copy_data(tmp_path)
    with (corpus / "fraud.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"text": "缺了结尾"\n')
    out = _train(runner, datasets, corpus, tmp_path)
    assert "fraud.jsonl: line 15: invalid JSON" in out


def test_it_rejects_unknown_codes_and_missing_labels(
    runner: CliRunner, trained: TrainResult, tmp_path: Path
) -> None:
    bad = _write(tmp_path / "bad.jsonl", [json.dumps({"text": "你好"})])
    res = runner.invoke(main, ["evaluate", "--data", str(bad), "--model", str(trained.folder)])
    assert res.exit_code == 1 and "bad.jsonl: line 1: missing 'labels' or 'label'" in res.output
    odd = _write(tmp_path / "odd.jsonl", [json.dumps({"text": "你好", "label": "weather"})])
    res = runner.invoke(main, ["evaluate", "--data", str(odd), "--model", str(trained.folder)])
    assert res.exit_code == 1 and "'weather'" in res.output


def test_it_refuses_a_model_folder_that_is_not_an_artifact(
    runner: CliRunner, tmp_path: Path, trained: TrainResult
) -> None:
    data = _write(tmp_path / "e.jsonl", [json.dumps({"text": "你好", "label": "clean"})])
    res = runner.invoke(main, ["evaluate", "--data", str(data), "--model", str(tmp_path)])
    assert res.exit_code == 1 and "cannot load model" in res.output
