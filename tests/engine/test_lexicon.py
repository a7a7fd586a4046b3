"""Lexicon loading: both formats, folders, domain lists, errors, duplicates, versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.engine.lexicon import (
    Lexicon,
    LexiconError,
    LexiconWarning,
    build_lexicon,
    load_lexicon,
    shipped_lexicon_dir,
)

from .conftest import LEX_DIR


def write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_it_loads_a_folder_with_both_formats_and_domains(lexicon: Lexicon) -> None:
    by_term = {(e.term, e.category): e for e in lexicon.entries}
    assert by_term[("赌博", "gambling")].severity == "review"
    assert by_term[("注册送彩金", "gambling")].mode == "substring"
    assert by_term[("冰", "prohibited_items")].mode == "strict"
    assert by_term[("枪支", "prohibited_items")].severity == "block"  # from extra.tsv
    assert {a.phrase for a in lexicon.allow} >= {"读博", "三黄片", "洗钱包"}
    assert lexicon.blocklist_domains == {"evil-login.example", "phish.test"}
    assert lexicon.shortener_domains == {"t.cn", "bit.ly"}


def test_it_loads_single_interchange_file(tmp_path: Path) -> None:
    path = write(
        tmp_path, "list.tsv", "# comment", "", "賭博\tgambling\tblock", "x币\tmy_code\treview"
    )
    lexicon = load_lexicon([path])
    assert [(e.key, e.category, e.severity) for e in lexicon.entries] == [
        ("赌博", "gambling", "block"),
        ("x币", "my_code", "review"),  # unknown category codes are kept
    ]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["赌博\treview"], "before any .@category"),
        (["@category gambling", "赌博"], "expected term<TAB>severity"),
        (["@category gambling", "赌博\tdeny"], "severity must be 'block' or 'review'"),
        (["@category gambling", "赌博\treview\tfuzzy"], "mode must be word, nopinyin"),
        (["@category gambling", "赌博\treview\tword\textra"], r"found 4 field\(s\)"),
        (["@category gambling", "\treview"], "empty term"),
        (["@category gambling", "！！\treview"], "empty after normalisation"),
        (["@categry gambling"], "unknown directive @categry"),
        (["@category"], "category must be one word"),
    ],
)
def test_malformed_project_lines_name_file_and_line(
    tmp_path: Path, lines: list[str], message: str
) -> None:
    path = write(tmp_path, "bad.lex", "# header", *lines)
    with pytest.raises(LexiconError, match=message) as info:
        load_lexicon([path])
    assert f"bad.lex:{len(lines) + 1}" in str(info.value)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("赌博\tgambling", "expected term<TAB>category<TAB>severity"),
        ("赌博\tgambling\tmaybe", "severity must be"),
        ("赌博\tgam bling\tblock", "category must be one word"),
    ],
)
def test_malformed_interchange_lines(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path, "bad.txt", "# c", line)
    with pytest.raises(LexiconError, match=f"bad.txt:2: {message}"):
        load_lexicon([path])


def test_invalid_utf8_and_missing_paths(tmp_path: Path) -> None:
    path = tmp_path / "bin.lex"
    path.write_bytes(b"@category x\n\xff\xfe\tblock\n")
    with pytest.raises(LexiconError, match=r"bin\.lex:2: not valid UTF-8"):
        load_lexicon([path])
    with pytest.raises(LexiconError, match="no such lexicon file or folder"):
        load_lexicon([tmp_path / "missing.lex"])


def test_bad_domain_line(tmp_path: Path) -> None:
    (tmp_path / "domains").mkdir()
    write(tmp_path / "domains", "blocklist.txt", "ok.example", "http://x.example/path")
    with pytest.raises(LexiconError, match=r"blocklist\.txt:2: expected one domain"):
        load_lexicon([tmp_path])


def test_duplicates_merge_with_a_warning_keeping_the_stricter(tmp_path: Path) -> None:
    a = write(tmp_path, "a.lex", "@category gambling", "赌博\treview")
    b = write(tmp_path, "b.tsv", "賭 博\tgambling\tblock", "赌博\tfraud\treview")
    with pytest.warns(LexiconWarning, match=r"a\.lex:2") as caught:
        lexicon = load_lexicon([a, b])
    assert "b.tsv:1" in str(caught[0].message)
    entries = sorted((e.category, e.severity) for e in lexicon.entries)
    assert entries == [("fraud", "review"), ("gambling", "block")]


def test_version_is_a_content_hash(tmp_path: Path) -> None:
    a = write(tmp_path, "a.tsv", "赌博\tgambling\tblock", "枪支\tprohibited_items\tblock")
    b = write(tmp_path, "b.tsv", "枪支\tprohibited_items\tblock", "赌博\tgambling\tblock")
    c = write(tmp_path, "c.tsv", "枪支\tprohibited_items\tblock", "赌博\tgambling\treview")
    assert load_lexicon([a]).version == load_lexicon([b]).version
    assert load_lexicon([a]).version != load_lexicon([c]).version
    assert load_lexicon([a]).version.startswith("lex-")


def test_build_lexicon_adds_runtime_terms(lexicon: Lexicon) -> None:
    extended = build_lexicon([("新词", "fraud", "block")], base=lexicon)
    assert len(extended.entries) == len(lexicon.entries) + 1
    assert extended.version != lexicon.version
    with pytest.raises(LexiconError, match="entry 1: severity"):
        build_lexicon([("新词", "fraud", "nope")])


def test_shipped_folder_and_env_override(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (shipped_lexicon_dir() / "gambling.lex").is_file()
    monkeypatch.setenv("MODERATION_LEXICON_DIR", str(LEX_DIR))
    assert shipped_lexicon_dir() == LEX_DIR
    assert load_lexicon().version == load_lexicon([LEX_DIR]).version
