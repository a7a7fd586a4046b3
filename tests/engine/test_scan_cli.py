"""`moderation scan`: JSONL contract, errors per line, --lexicon, exit status, subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

from click.testing import CliRunner, Result

from moderation.cli import main
from moderation.cli.scan_cmd import Progress

from .conftest import LEX_DIR


def scan(input_text: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["scan", "--no-classifier", *args], input=input_text)


def lines(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_it_writes_one_verdict_per_line_in_order() -> None:
    posts = [
        {"id": "a", "text": "出售冰毒"},
        {"id": "b", "text": "今天天气很好"},
        {"id": 3, "text": "😀赌😀博"},
    ]
    result = scan(
        "\n".join(json.dumps(p, ensure_ascii=False) for p in posts), "--lexicon", str(LEX_DIR)
    )
    assert result.exit_code == 0
    out = lines(result)
    assert [o["id"] for o in out] == ["a", "b", 3]
    assert [o["action"] for o in out] == ["block", "allow", "review"]
    assert out[0]["categories"] == [{"code": "prohibited_items", "score": 1.0, "source": "lexicon"}]
    assert out[2]["hits"] == [
        {"term": "赌博", "category": "gambling", "severity": "review", "start": 1, "end": 4,
         "text": "赌😀博"}
    ]  # fmt: skip
    assert set(out[1]) == {"id", "action", "categories", "hits"}


def test_bad_lines_get_errors_and_the_scan_goes_on() -> None:
    result = scan('not json\n{"id": "x"}\n[1]\n{"id": 9, "text": 5}\n{"id": 7, "text": "你好"}\n')
    out = lines(result)
    assert result.exit_code == 1
    assert out[0]["id"] == 1 and "not valid JSON" in str(out[0]["error"])
    assert out[1] == {"id": "x", "error": "line 2: missing 'text'"}
    assert out[2] == {"id": 3, "error": "line 3: expected a JSON object"}
    assert out[3] == {"id": 9, "error": "line 4: 'text' must be a string"}
    assert out[4]["action"] == "allow"
    assert "4 line(s) failed" in result.stderr


def test_lexicon_option_replaces_the_default_set(tmp_path: Path) -> None:
    own = tmp_path / "own.tsv"
    own.write_text("苹果\tspam\tblock\n", encoding="utf-8")
    post = '{"id": 1, "text": "卖苹果，也可以赌博"}'
    out = lines(scan(post, "--lexicon", str(own)))
    assert [h["term"] for h in out[0]["hits"]] == ["苹果"]
    assert out[0]["action"] == "block"


def test_bad_lexicon_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.lex"
    bad.write_text("@category x\n赌博\tnever\n", encoding="utf-8")
    result = scan('{"id": 1, "text": "x"}', "--lexicon", str(bad))
    assert result.exit_code == 1
    assert "bad.lex:2: severity must be 'block' or 'review'" in result.output


def test_reads_a_file_argument(tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text("\n".join(json.dumps({"id": i, "text": "dubo"}) for i in range(600)) + "\n")
    out = lines(scan("", "--lexicon", str(LEX_DIR), str(posts)))
    assert len(out) == 600 and [o["id"] for o in out] == list(range(600))  # across batches
    assert all(o["hits"][0]["text"] == "dubo" for o in out)


def test_installed_command_runs_as_a_subprocess() -> None:
    posts = '{"id": 1, "text": "加V：abc12345 真人荷官"}\n{"id": 2, "text": "读博很辛苦"}\n'
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "moderation"), "scan", "--no-classifier"],
        input=posts.encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""  # no progress bar when stderr is not a terminal
    out = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert out[0]["action"] == "block"
    assert {c["code"] for c in out[0]["categories"]} >= {"gambling", "illicit_ads"}
    assert out[1] == {"id": 2, "action": "allow", "categories": [], "hits": []}


def test_progress_is_drawn_only_on_a_terminal() -> None:
    silent = Progress(100, None)
    silent.update(10)
    silent.finish()
    assert (silent.lines, silent.bytes) == (1, 10)
    screen = StringIO()
    shown = Progress(100, screen)
    shown.update(50)
    shown.finish()
    assert "1 lines" in screen.getvalue() and "(50%)" in screen.getvalue()
