"""Corpus loading: categories named by file, variants held out together with their source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moderation.training.data import (
    assign_fold,
    corpus_file_category,
    load_corpus,
    variant_sources,
)


@pytest.mark.parametrize(
    ("stem", "category"),
    [
        ("gambling", "gambling"),
        ("more_gambling", "gambling"),
        ("more_illicit_ads", "illicit_ads"),
        ("extra_spam", "spam"),
        ("part5_prohibited_items", "prohibited_items"),
        ("train_part14_spam", "spam"),
        ("train_negatives_part14_spam", None),
        ("part5_things", None),
        ("negatives_part5", None),
        ("negatives_more", None),
        ("negatives_crime_news", None),
        ("more_things", None),
    ],
)
def test_it_reads_the_category_from_corpus_file_names(stem: str, category: str | None) -> None:
    assert corpus_file_category(stem) == category


def test_it_finds_the_hand_written_source_of_each_variant() -> None:
    rows: list[tuple[str, tuple[str, ...], str]] = [
        ("百家乐真人荷官在线发牌，首充送彩金", ("gambling",), "ad"),
        ("今晚这场我看好主队让一球，全押了", ("gambling",), "chat"),
        ("百 家 乐 真 人 荷 官 在 线 发 牌 ， 首 充 送 彩 金", ("gambling",), "obfuscated_variant"),
        ("今晚這場我看好主隊讓一球，全押了 vx:bet_88xx", ("gambling",), "handle_variant"),
    ]
    assert variant_sources(rows) == {rows[2][0]: rows[0][0], rows[3][0]: rows[1][0]}


def test_it_keeps_variants_in_train_and_in_their_sources_fold(tmp_path: Path) -> None:
    source = "棋牌游戏上分下分，秒上秒下，诚信经营十年"
    variant = "棋 牌 游 戏 上 分 下 分 ， 秒 上 秒 下 ， 诚 信 经 营 十 年"
    lines = [
        {"text": source, "labels": ["gambling"], "style": "ad"},
        {"text": "周末去公园散步，天气很好", "labels": [], "style": "chat"},
        {"text": variant, "labels": ["gambling"], "style": "obfuscated_variant"},
    ]
    (tmp_path / "more_gambling.jsonl").write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8"
    )
    by_text = {e.text: e for e in load_corpus(tmp_path)}
    assert by_text[variant].split == "train"
    assert by_text[variant].fold_key == source
    assert by_text[source].fold_key == source
    assert assign_fold(by_text[variant].fold_key, 5) == assign_fold(source, 5)
    assert by_text[source].source == "corpus:more_gambling"


def test_it_puts_every_line_of_a_train_only_file_in_train(tmp_path: Path) -> None:
    texts = [f"第{i}条：今晚的比赛谁赢我都请客吃烧烤，第{i}号桌" for i in range(40)]
    for name in ("train_part14_gambling", "part14_gambling"):
        (tmp_path / f"{name}.jsonl").write_text(
            "\n".join(
                json.dumps(
                    {"text": f"{name}{t}", "labels": [], "style": "chat"}, ensure_ascii=False
                )
                for t in texts
            ),
            encoding="utf-8",
        )
    examples = load_corpus(tmp_path)
    splits = {
        name: {e.split for e in examples if e.source == f"corpus:{name}"}
        for name in ("train_part14_gambling", "part14_gambling")
    }
    assert splits["train_part14_gambling"] == {"train"}
    assert splits["part14_gambling"] == {"train", "test"}
