"""`moderation scan`: JSONL in, one verdict per line out, in order, in constant memory.

Input lines are JSON objects with `id` and `text`; output lines are
`{"id", "action", "categories": [{"code", "score", "source"}],
"hits": [{"term", "category", "severity", "start", "end", "text"}]}`, or
`{"id": <id or line number>, "error": "..."}` for a line that cannot be analysed (the scan goes
on; the exit status is 1 if any line failed). Lines are read and analysed in batches so memory
stays flat on files of any size.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections.abc import Iterator
from typing import IO, Any

import click

from moderation.engine import Engine, LexiconError, Policy, decide, load_engine

BATCH = 256


def _parse(line: bytes, number: int) -> tuple[Any, str | None, str | None]:
    """(id, text, error) for one input line."""
    try:
        obj = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return number, None, f"line {number}: not valid JSON ({exc})"
    if not isinstance(obj, dict):
        return number, None, f"line {number}: expected a JSON object"
    ident = obj.get("id", number)
    text = obj.get("text")
    if text is None:
        return ident, None, f"line {number}: missing 'text'"
    if not isinstance(text, str):
        return ident, None, f"line {number}: 'text' must be a string"
    return ident, text, None


def _dumps(obj: dict[str, Any]) -> str:
    line = json.dumps(obj, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates cannot be written as UTF-8: escape them
        line = json.dumps(obj, ensure_ascii=True)
    return line


def _verdicts(
    engine: Engine, policy: Policy, batch: list[tuple[int, bytes]]
) -> Iterator[dict[str, Any]]:
    parsed = [_parse(line, number) for number, line in batch]
    texts = [text for _, text, error in parsed if error is None and text is not None]
    try:
        analyses = iter(engine.analyze_batch(texts))
    except Exception:  # one bad text must not sink the batch: retry one by one
        analyses = iter(_one_by_one(engine, texts))
    for ident, text, error in parsed:
        if error is not None or text is None:
            yield {"id": ident, "error": error}
            continue
        analysis = next(analyses)
        if isinstance(analysis, str):
            yield {"id": ident, "error": analysis}
            continue
        decision = decide(analysis, policy)
        yield {
            "id": ident,
            "action": decision.action,
            "categories": [c.to_dict() for c in decision.categories],
            "hits": [h.to_dict() for h in analysis.hits],
        }


def _one_by_one(engine: Engine, texts: list[str]) -> Iterator[Any]:
    for text in texts:
        try:
            yield engine.analyze(text)
        except Exception as exc:
            yield f"analysis failed: {type(exc).__name__}: {exc}"


def _batches(stream: IO[bytes], progress: Progress) -> Iterator[list[tuple[int, bytes]]]:
    batch: list[tuple[int, bytes]] = []
    for number, line in enumerate(stream, start=1):
        progress.update(len(line))
        if line.strip():
            batch.append((number, line))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


class Progress:
    """Lines and bytes scanned, redrawn on stderr at most a few times a second (TTY only)."""

    def __init__(self, total_bytes: int | None, stream: IO[str] | None) -> None:
        self.total = total_bytes
        self.stream = stream
        self.lines = 0
        self.bytes = 0
        self._drawn = 0.0

    def update(self, n_bytes: int) -> None:
        self.lines += 1
        self.bytes += n_bytes
        if self.stream is not None and time.monotonic() - self._drawn > 0.25:
            self.draw()

    def draw(self) -> None:
        if self.stream is None:
            return
        self._drawn = time.monotonic()
        done = f"{self.bytes / 1e6:,.1f} MB"
        if self.total:
            done += f" of {self.total / 1e6:,.1f} MB ({self.bytes / self.total:.0%})"
        self.stream.write(f"\rscanning: {self.lines:,} lines, {done}")
        self.stream.flush()

    def finish(self) -> None:
        if self.stream is not None:
            self.draw()
            self.stream.write("\n")


def run_scan(engine: Engine, stream: IO[bytes], out: IO[str], size: int | None) -> int:
    """Scan `stream` to `out`; returns the number of lines that failed."""
    policy = Policy()
    failed = 0
    progress = Progress(size, sys.stderr if sys.stderr.isatty() else None)
    for batch in _batches(stream, progress):
        for verdict in _verdicts(engine, policy, batch):
            failed += "error" in verdict
            out.write(_dumps(verdict) + "\n")
        out.flush()
    progress.finish()
    return failed


@click.command("scan")
@click.option(
    "--lexicon",
    "lexicons",
    multiple=True,
    type=click.Path(exists=True),
    help="Lexicon file or folder (repeatable); replaces the shipped lexicons.",
)
@click.option("--no-classifier", is_flag=True, help="Use lexicons and detectors only.")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
def scan(lexicons: tuple[str, ...], no_classifier: bool, file: str | None) -> None:
    """Scan JSONL posts ({"id", "text"}) from FILE or stdin; write one verdict per line."""
    try:
        engine = load_engine(lexicons or None, use_classifier=not no_classifier)
    except LexiconError as exc:
        raise click.ClickException(f"cannot load lexicon: {exc}") from exc
    out = sys.stdout
    if isinstance(out, io.TextIOWrapper) and out.encoding.lower() not in ("utf-8", "utf8"):
        out.reconfigure(encoding="utf-8")  # JSONL is UTF-8 whatever the locale says
    if file is None:
        failed = run_scan(engine, sys.stdin.buffer, out, None)
    else:
        with open(file, "rb") as stream:
            failed = run_scan(engine, stream, out, os.path.getsize(file))
    if failed:
        click.echo(f"{failed} line(s) failed", err=True)
        sys.exit(1)


def register(main: click.Group) -> None:
    """Attach `scan` to the root group."""
    main.add_command(scan)
