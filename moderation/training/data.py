"""Loading the labelled training data: public datasets by path and the project corpus.

Every example gets a fixed split ("train" or "test") from a stable hash of its text, so the
held-out data is the same on every run and on every machine, and training never sees it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from moderation.engine.types import CATEGORY_CODES

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATASETS = REPO_ROOT.parent / "shared" / "datasets"
DEFAULT_CORPUS = REPO_ROOT / "data" / "corpus"

# COLD has no separate abuse label; offensive comments on race/region/gender are group hate.
# An offensive (or sexist) comment that also contains a direct insult is additionally `abuse`
# (weak label): that is the only abuse signal in the public data.
ABUSE_MARKERS = (
    "傻逼", "傻b", "傻x", "煞笔", "sb", "脑残", "你妈", "尼玛", "nmsl", "废物", "贱人", "贱货",
    "婊子", "狗东西", "去死", "畜生", "杂种", "智障", "弱智", "蠢货", "蠢猪", "狗日", "操你",
    "草泥马", "cnm",
)  # fmt: skip


def offensive_labels(text: str) -> tuple[str, ...]:
    """Labels of a public-data comment marked offensive/sexist: hate, plus abuse on insults."""
    lowered = text.lower()
    return ("abuse", "hate") if any(m in lowered for m in ABUSE_MARKERS) else ("hate",)


class DataError(ValueError):
    """Training or evaluation data is missing or malformed; the message names file and line."""


@dataclass(frozen=True)
class Example:
    """One labelled text: `labels` are category codes (empty = clean).

    `group` is the text whose hash decides the cross-fitting fold: the example's own text, or
    for a machine-made corpus variant the hand-written line it was derived from, so that a
    variant and its source are always held out together (no leak into out-of-fold scores).
    """

    text: str
    labels: tuple[str, ...]
    source: str
    split: str
    group: str = ""

    @property
    def fold_key(self) -> str:
        """The text that decides this example's cross-fitting fold."""
        return self.group or self.text


def datasets_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The public-datasets folder: explicit override, $MODERATION_DATASETS_DIR, or the default."""
    if override:
        return Path(override)
    env = os.environ.get("MODERATION_DATASETS_DIR")
    return Path(env) if env else DEFAULT_DATASETS


def hash_fraction(text: str, salt: str = "") -> float:
    """A stable number in [0, 1) derived from the text (independent of PYTHONHASHSEED)."""
    digest = hashlib.sha256((salt + text).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign_split(text: str, test: float) -> str:
    """'test' for the first `test` share of hash space, else 'train'."""
    return "test" if hash_fraction(text, "split-v1:") < test else "train"


def assign_fold(text: str, folds: int) -> int:
    """Cross-fitting fold of a training text (stable, independent of the split hash)."""
    return int(hash_fraction(text, "fold-v1:") * folds)


def _require(path: Path) -> Path:
    if not path.is_file():
        raise DataError(f"{path}: training data file not found")
    return path


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Data rows of a CSV file with their 1-based line numbers (header skipped)."""
    with _require(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            next(reader)
        except StopIteration:
            raise DataError(f"{path}: empty file, expected a header line") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: line 1: {exc}") from None
        try:
            for row in reader:
                yield reader.line_num, row
        except (csv.Error, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: line {reader.line_num}: {exc}") from None


def _binary_label(path: Path, line: int, value: str) -> bool:
    if value.strip() not in ("0", "1"):
        raise DataError(f"{path}: line {line}: label must be 0 or 1, got {value!r}")
    return value.strip() == "1"


def _dedup(examples: list[Example]) -> list[Example]:
    """Drop repeated texts; a text seen with different labels keeps the first labelling."""
    seen: set[str] = set()
    out = []
    for ex in examples:
        if ex.text not in seen:
            seen.add(ex.text)
            out.append(ex)
    return out


def load_cold(root: Path) -> list[Example]:
    """COLD train (all train) and COLD dev (all test, minus texts also in COLD train)."""
    train: list[Example] = []
    for name in ("train.csv", "dev.csv"):
        path = root / "cold" / name
        for line, row in _csv_rows(path):
            if len(row) != 5:
                raise DataError(f"{path}: line {line}: expected 5 columns, got {len(row)}")
            text = row[4].strip()
            if not text:
                continue
            labels = offensive_labels(text) if _binary_label(path, line, row[3]) else ()
            split = "train" if name == "train.csv" else "test"
            train.append(Example(text, labels, "cold", split))
    # Train rows come first, so a dev text also present in train stays a training example.
    return _dedup(train)


def load_swsr(root: Path) -> list[Example]:
    """SWSR sexist comments (gender hate) and their non-sexist counterparts (clean)."""
    path = root / "swsr" / "SexComment.csv"
    out = []
    for line, row in _csv_rows(path):
        if len(row) < 2:
            raise DataError(f"{path}: line {line}: expected comment_text,label,...")
        text = row[0].strip()
        if text:
            labels = offensive_labels(text) if _binary_label(path, line, row[1]) else ()
            out.append(Example(text, labels, "swsr", assign_split(text, 0.2)))
    return _dedup(out)


def load_thucnews(root: Path) -> list[Example]:
    """THUCNews titles (clean news): half held out for false-positive measurement."""
    path = _require(root / "thucnews-titles" / "dev.txt")
    out = []
    with path.open(encoding="utf-8") as fh:
        for line, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            title, sep, cls = raw.rstrip("\n").rpartition("\t")
            if not sep or not cls.strip().isdigit() or not title.strip():
                raise DataError(f"{path}: line {line}: expected 'title<TAB>class index'")
            text = title.strip()
            out.append(Example(text, (), "thucnews", assign_split(text, 0.5)))
    return _dedup(out)


def parse_labels(path: Path, line: int, obj: dict[str, object]) -> tuple[str, ...]:
    """Labels of one JSONL object: `labels` (list) or `label` (code, "clean" or "")."""
    if "labels" in obj:
        raw = obj["labels"]
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise DataError(f"{path}: line {line}: 'labels' must be a list of category codes")
        codes = [x.strip() for x in raw]
    elif "label" in obj:
        one = obj["label"]
        if one is None:
            one = ""
        if not isinstance(one, str):
            raise DataError(f"{path}: line {line}: 'label' must be a category code or 'clean'")
        codes = [one.strip()]
    else:
        raise DataError(f"{path}: line {line}: missing 'labels' or 'label'")
    return tuple(sorted({c for c in codes if c and c != "clean"}))


def read_jsonl(path: Path) -> list[tuple[str, tuple[str, ...], str]]:
    """(text, labels, style) of each line of a JSONL file; a bad line raises DataError naming it."""
    out = []
    with _require(path).open(encoding="utf-8") as fh:
        for line, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}: line {line}: invalid JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise DataError(f"{path}: line {line}: expected a JSON object")
            text = obj.get("text")
            if not isinstance(text, str) or not text.strip():
                raise DataError(f"{path}: line {line}: 'text' must be a non-empty string")
            style = obj.get("style")
            out.append((text.strip(), parse_labels(path, line, obj), str(style or "")))
    return out


# Files named `train_*.jsonl` were written after the held-out split was frozen (it holds the
# 20% hash share of the files without this prefix): all their lines are training lines, so
# that the held-out split stays the same set of lines while the training data grows.
TRAIN_ONLY_PREFIX = "train_"


def corpus_file_category(stem: str) -> str | None:
    """The category a corpus file was written for, from its name: `gambling.jsonl`,
    `more_gambling.jsonl`, `extra_gambling.jsonl`, `part5_gambling.jsonl` and
    `train_part14_gambling.jsonl` are gambling; `negatives_*` and other names are None."""
    stem = stem.removeprefix(TRAIN_ONLY_PREFIX)
    stem = re.sub(r"^(more|extra|part\d+)_", "", stem).removesuffix("_more")
    return stem if stem in CATEGORY_CODES else None


def _char_set(text: str) -> set[str]:
    """The Chinese characters of a text (all non-blank characters when it has none)."""
    cjk = {ch for ch in text if "\u4e00" <= ch <= "\u9fff"}
    return cjk or {ch for ch in text if not ch.isspace()}


def variant_sources(rows: list[tuple[str, tuple[str, ...], str]]) -> dict[str, str]:
    """{variant text: the hand-written line of the same file it most resembles}.

    Variants are spaced out, partly traditional or pinyin, or carry an added handle, so the
    hand-written line sharing the largest share of characters (Jaccard) is their source.
    """
    hand = [(text, _char_set(text)) for text, _, style in rows if not style.endswith("variant")]
    out: dict[str, str] = {}
    for text, _, style in rows:
        if style.endswith("variant") and hand:
            chars = _char_set(text)
            out[text] = max(hand, key=lambda h: len(chars & h[1]) / (len(chars | h[1]) or 1))[0]
    return out


def load_corpus(folder: Path) -> list[Example]:
    """The project-authored corpus (data/corpus/*.jsonl): 80% train, 20% test.

    Lines whose style ends in "variant" are machine-made near-duplicates of a hand-written line
    (see data/corpus/README_part1.md); they always go to train so that no held-out line has a
    near-copy in training. So do all lines of `train_*.jsonl` files (TRAIN_ONLY_PREFIX).
    """
    if not folder.is_dir():
        raise DataError(f"{folder}: corpus folder not found")
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise DataError(f"{folder}: no *.jsonl corpus files")
    out = []
    for path in files:
        rows = read_jsonl(path)
        sources = variant_sources(rows)
        train_only = path.stem.startswith(TRAIN_ONLY_PREFIX)
        for text, labels, style in rows:
            unknown = [c for c in labels if c not in CATEGORY_CODES]
            if unknown:
                raise DataError(f"{path}: unknown category code(s) {unknown}")
            held_out = not train_only and not style.endswith("variant")
            split = assign_split(text, 0.2) if held_out else "train"
            group = sources.get(text, "")
            out.append(Example(text, labels, f"corpus:{path.stem}", split, group))
    return _dedup(out)


def load_all(datasets: Path, corpus: Path | None) -> list[Example]:
    """Every source, de-duplicated across sources (first source wins)."""
    examples = load_cold(datasets) + load_swsr(datasets) + load_thucnews(datasets)
    if corpus is not None:
        examples += load_corpus(corpus)
    return _dedup(examples)
