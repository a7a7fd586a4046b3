"""`moderation train` and `moderation evaluate`: build and measure the text classifier."""

from __future__ import annotations

import json
from pathlib import Path

import click

from moderation.engine.classifier import ArtifactError, LinearClassifier, default_dir, load
from moderation.training.data import DEFAULT_CORPUS, DataError, datasets_dir


def _log(message: str) -> None:
    click.echo(f"[train] {message}", err=True)


def _load_model(folder: str | None) -> LinearClassifier:
    path = Path(folder) if folder else default_dir()
    try:
        return load(path)
    except ArtifactError as exc:
        raise click.ClickException(f"cannot load model: {exc}") from None


@click.command("train")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default=None,
    help="Artifact folder (default: models/classifier).",
)
@click.option("--seed", type=int, default=13, show_default=True)
@click.option(
    "--datasets",
    type=click.Path(),
    default=None,
    help="Public datasets folder (default: $MODERATION_DATASETS_DIR or ../shared/datasets).",
)
@click.option(
    "--corpus",
    type=click.Path(),
    default=None,
    help="Project corpus folder of *.jsonl (default: data/corpus).",
)
@click.option(
    "--card",
    type=click.Path(dir_okay=False),
    default=None,
    help="Model card path (default: MODEL_CARD.md next to the artifact folder).",
)
def train_cmd(
    out: str | None, seed: int, datasets: str | None, corpus: str | None, card: str | None
) -> None:
    """Train the classifier and write the artifact and model card."""
    from moderation.training.fit import FitConfig
    from moderation.training.quality import format_quality
    from moderation.training.train import train

    out_dir = Path(out) if out else default_dir()
    card_path = Path(card) if card else out_dir.parent / "MODEL_CARD.md"
    try:
        result = train(
            out_dir,
            datasets_dir(datasets),
            Path(corpus) if corpus else DEFAULT_CORPUS,
            FitConfig(seed=seed),
            _log,
            card_path,
        )
    except DataError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"model {result.version} written to {result.folder}")
    click.echo(format_quality(result.figures))


@click.command("evaluate")
@click.option(
    "--data",
    "data",
    type=click.Path(dir_okay=False),
    default=None,
    help="JSONL file with `text` and `label` or `labels` on each line.",
)
@click.option("--builtin", is_flag=True, help="Quality figures on the fixed held-out splits.")
@click.option(
    "--model",
    "model_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Artifact folder (default: the shipped model).",
)
@click.option("--datasets", type=click.Path(), default=None, help="Public datasets folder.")
@click.option("--corpus", type=click.Path(), default=None, help="Project corpus folder.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def evaluate_cmd(
    data: str | None,
    builtin: bool,
    model_dir: str | None,
    datasets: str | None,
    corpus: str | None,
    as_json: bool,
) -> None:
    """Precision/recall/F1 per category, macro-F1, confusion matrix, clean FP rate."""
    from moderation.training.evaluate import evaluate_builtin, evaluate_file
    from moderation.training.metrics import format_report
    from moderation.training.quality import format_quality

    if not data and not builtin:
        raise click.UsageError("give --data FILE.jsonl or --builtin")
    model = _load_model(model_dir)
    try:
        if data:
            report = evaluate_file(model, Path(data))
            click.echo(
                json.dumps(report.to_dict(), ensure_ascii=False)
                if as_json
                else format_report(report)
            )
        if builtin:
            figures = evaluate_builtin(
                model, datasets_dir(datasets), Path(corpus) if corpus else DEFAULT_CORPUS
            )
            click.echo(
                json.dumps(figures, ensure_ascii=False) if as_json else format_quality(figures)
            )
    except DataError as exc:
        raise click.ClickException(str(exc)) from None


def register(main: click.Group) -> None:
    """Attach `train` and `evaluate` to the root group."""
    main.add_command(train_cmd)
    main.add_command(evaluate_cmd)
