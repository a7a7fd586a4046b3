"""Classifier benchmark and quality report (prints figures; not a test).

Usage (one core, as the targets are stated for one core)::

    taskset -c 0 python bench/bench_classifier.py                # speed + quality figures
    taskset -c 0 python bench/bench_classifier.py --no-quality   # speed only
    python bench/bench_classifier.py --model DIR --posts 20000

Prints: artifact size (target < 50 MB); model load time (target < 1 s; the segmenter is the
engine's and loads separately); classifier throughput in batches of `--batch` posts with the
engine's tokens (target >= 5,000 posts/s) and segmenting itself; engine + classifier throughput
(`Engine.analyze_batch`, target >= 2,000 posts/s); and, unless --no-quality, the issue's quality
figures on the fixed held-out splits (COLD dev accuracy >= 0.80, corpus held-out macro-F1 >= 0.85,
THUCNews held-out <= 0.2% blocked and <= 2% review).

Posts are the held-out THUCNews titles and corpus lines, cycled to `--posts` (real short posts,
15-60 characters), normalised and segmented once before the classifier-only timing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderation.engine.classifier import LinearClassifier, default_dir, load  # noqa: E402
from moderation.training.data import DEFAULT_CORPUS, datasets_dir, load_all  # noqa: E402


def rate(n: int, fn: Callable[[], object], repeat: int = 3) -> float:
    """Best posts/s over `repeat` runs of fn (which processes n posts)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return n / best


def batched(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=str(default_dir()))
    ap.add_argument("--posts", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--no-quality", action="store_true")
    args = ap.parse_args()
    folder = Path(args.model)

    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    t0 = time.perf_counter()
    model: LinearClassifier = load(folder)
    first = time.perf_counter() - t0
    again = min(_timed(lambda: load(folder)) for _ in range(3))
    print(
        f"model {model.version}: {len(model.categories)} categories, "
        f"{model.featurizer.n_features} features"
    )
    print(f"artifact size      {size / 1e6:8.1f} MB   (target < 50 MB)")
    print(f"model load         {first:8.3f} s    first, {again:.3f} s warm (target < 1 s)")

    from moderation.engine.engine import load_engine
    from moderation.engine.normalize import normalize
    from moderation.engine.segment import segment

    examples = load_all(datasets_dir(), DEFAULT_CORPUS)
    pool = [
        e.text
        for e in examples
        if e.split == "test" and (e.source == "thucnews" or e.source.startswith("corpus:"))
    ]
    posts = (pool * (args.posts // max(len(pool), 1) + 1))[: args.posts]
    normalized = [normalize(t).text for t in posts]
    tokens = [segment(t) for t in normalized]
    nb = batched(normalized, args.batch)
    tb = [tokens[i : i + args.batch] for i in range(0, len(tokens), args.batch)]

    def with_tokens() -> None:
        for texts, toks in zip(nb, tb, strict=True):
            model.score_batch(texts, toks)

    def self_segmenting() -> None:
        for texts in nb:
            model.score_batch(texts)

    engine = load_engine()
    engine_only = load_engine(use_classifier=False)
    raw = batched(posts, args.batch)
    print(
        f"classifier         {rate(len(posts), with_tokens):8.0f} posts/s with engine tokens, "
        f"batches of {args.batch} (target >= 5,000)"
    )
    print(f"classifier         {rate(len(posts), self_segmenting):8.0f} posts/s segmenting itself")
    some = raw[: max(1, 5000 // args.batch)]
    n = sum(map(len, some))
    print(
        f"engine (no clf)    {rate(n, lambda: [engine_only.analyze_batch(b) for b in some]):8.0f}"
        " posts/s"
    )
    shipped = engine.model_version or "none shipped"
    print(
        f"engine+classifier  {rate(n, lambda: [engine.analyze_batch(b) for b in some]):8.0f}"
        f" posts/s (target >= 2,000; default model: {shipped})"
    )

    if not args.no_quality:
        from moderation.training.quality import format_quality, quality_figures

        figures = quality_figures(model, examples)
        print("quality on fixed held-out splits:")
        print(format_quality(figures))


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
