"""Engine throughput benchmark (prints figures; not a test).

Usage (one core, as the targets are stated for one core)::

    taskset -c 0 python bench/bench_engine.py            # 100,000 posts, 20,000 terms
    taskset -c 0 python bench/bench_engine.py --posts 10000

Over the same generated posts (~120 characters of dictionary words and punctuation, 5% carrying
a lexicon term, a fifth of those disguised with separators) and a generated 20,000-term lexicon,
it prints posts/s for:

  (a) raw pyahocorasick `iter` over the raw text (no normalisation, no validation);
  (b) a naive baseline: `jieba.cut` then a set lookup per token;
  (c) this engine without the classifier (`Engine.analyze`: normalise, match, validate, detect);

and, in a fresh subprocess, the compile time and peak RSS for a 100,000-term lexicon (loading
the segmenter included). Targets: (c) >= 4x (b) and >= 30% of (a); compile < 5 s; RSS < 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable

import ahocorasick
import jieba

PUNCT = "，。！？、；：“”"
SEPARATORS = [" ", "*", "😀", ".", "\u200b"]


def dictionary_words(seed: int) -> tuple[list[str], list[int], list[str]]:
    """(common words, their frequencies, rare words) from jieba's dictionary."""
    common: list[str] = []
    freqs: list[int] = []
    rare: list[str] = []
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            word, freq, _ = line.split(" ", 2)
            if not all("\u4e00" <= ch <= "\u9fff" for ch in word):
                continue
            (common if int(freq) >= 50 else rare).append(word)
            if int(freq) >= 50:
                freqs.append(int(freq))
    random.Random(seed).shuffle(rare)
    return common, freqs, rare


def make_terms(n: int, seed: int) -> list[tuple[str, str, str]]:
    """n distinct terms like real lexicon entries: half rare dictionary words of 3+ characters,
    half compounds of two 2+ character words (出售+枪支), so ordinary text seldom contains one
    by accident, as with a real list of prohibited terms."""
    common, _, rare = dictionary_words(seed)
    rng = random.Random(seed)
    parts = [w for w in common if len(w) >= 2]
    terms: set[str] = set([w for w in rare if len(w) >= 3][: n // 2])
    while len(terms) < n:
        terms.add(rng.choice(parts) + rng.choice(parts))
    categories = ["fraud", "gambling", "pornography", "prohibited_items", "illicit_ads"]
    return [
        (t, categories[i % 5], "block" if i % 3 else "review") for i, t in enumerate(sorted(terms))
    ]


def make_posts(n: int, terms: list[str], seed: int) -> list[str]:
    common, freqs, _ = dictionary_words(seed)
    rng = random.Random(seed + 1)
    posts = []
    for i in range(n):
        words = rng.choices(common, weights=freqs, k=80)
        parts: list[str] = []
        length = 0
        for w in words:
            parts.append(w)
            length += len(w)
            if rng.random() < 0.15:
                parts.append(rng.choice(PUNCT))
                length += 1
            if length >= 120:
                break
        if i % 20 == 0:  # 5% carry a term, a fifth of those disguised
            term = rng.choice(terms)
            if i % 100 == 0:
                term = rng.choice(SEPARATORS).join(term)
            parts.insert(rng.randrange(len(parts)), term)
        posts.append("".join(parts))
    return posts


def race(posts: list[str], contenders: dict[str, Callable[[str], object]]) -> dict[str, float]:
    """posts/s per contender, timed over the same chunks in turn.

    Interleaving chunks keeps the ratios fair on a shared machine whose load changes over time.
    """
    elapsed = dict.fromkeys(contenders, 0.0)
    for fn in contenders.values():
        fn(posts[0])
    for i in range(0, len(posts), 500):
        chunk = posts[i : i + 500]
        for label, fn in contenders.items():
            start = time.perf_counter()
            for post in chunk:
                fn(post)
            elapsed[label] += time.perf_counter() - start
    rates = {label: len(posts) / seconds for label, seconds in elapsed.items()}
    for label, per_second in rates.items():
        print(f"{label:<48} {per_second:>10,.0f} posts/s", flush=True)
    return rates


def throughput(n_posts: int, n_terms: int) -> dict[str, float]:
    from moderation.engine import Engine
    from moderation.engine.lexicon import build_lexicon
    from moderation.engine.segment import backend_name, segment

    entries = make_terms(n_terms, seed=7)
    posts = make_posts(n_posts, [t for t, _, _ in entries], seed=7)
    print(f"{len(posts):,} posts, mean {sum(map(len, posts)) / len(posts):.0f} chars; "
          f"{len(entries):,} terms")  # fmt: skip

    automaton = ahocorasick.Automaton()
    for term, _, _ in entries:
        automaton.add_word(term, term)
    automaton.make_automaton()
    term_set = {t for t, _, _ in entries}
    jieba.setLogLevel(60)
    jieba.initialize()
    engine = Engine(build_lexicon(entries))
    segment("预热")

    def naive(post: str) -> list[str]:
        return [w for w in jieba.cut(post) if w in term_set]

    rates = race(
        posts,
        {
            "(a) raw pyahocorasick iter": lambda p: sum(1 for _ in automaton.iter(p)),
            "(b) jieba.cut + set lookup": naive,
            f"(c) engine, no classifier ({backend_name()})": engine.analyze,
        },
    )
    a, b, c = rates.values()
    sample = posts[:2000]
    hits = sum(bool(engine.analyze(p).hits) for p in sample)
    raw = sum(any(True for _ in automaton.iter(p)) for p in sample)
    print(f"of the first 2,000 posts: {raw} contain a raw candidate, {hits} have validated hits")
    print(f"(c)/(b) = {c / b:.1f}x (target >= 4x); (c)/(a) = {c / a:.0%} (target >= 30%)")
    return {"a": a, "b": b, "c": c}


def compile_child(n_terms: int) -> None:
    """Run in a fresh process: compile n_terms and report time and peak RSS as JSON."""
    from moderation.engine import Engine
    from moderation.engine.lexicon import build_lexicon
    from moderation.engine.segment import segment

    entries = make_terms(n_terms, seed=11)
    start = time.perf_counter()
    engine = Engine(build_lexicon(entries))
    compiled = time.perf_counter() - start
    segment("预热")  # a serving engine has its segmenter loaded too
    engine.analyze("预热一下" + entries[0][0])
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"terms": n_terms, "compile_s": compiled, "peak_rss_mb": rss_mb}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--terms", type=int, default=20_000)
    parser.add_argument("--compile-terms", type=int, default=100_000)
    parser.add_argument("--compile-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compile_child:
        compile_child(args.compile_child)
        return
    throughput(args.posts, args.terms)
    out = subprocess.run(
        [sys.executable, __file__, "--compile-child", str(args.compile_terms)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    report = json.loads(out.strip().splitlines()[-1])
    print(f"compile {report['terms']:,} terms: {report['compile_s']:.2f} s (target < 5 s); "
          f"peak RSS {report['peak_rss_mb']:.0f} MB (target < 400 MB)")  # fmt: skip


if __name__ == "__main__":
    main()
