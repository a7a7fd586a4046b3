"""Detectors: personal data, contact handles and links, with original-text spans."""

from __future__ import annotations

import pytest

from moderation.engine.detectors import DomainLists, detect, id_checksum_ok, luhn_ok
from moderation.engine.normalize import normalize

DOMAINS = DomainLists(frozenset({"evil-login.example"}), frozenset({"t.cn", "bit.ly"}))


def found(text: str) -> list[tuple[str, str, str, str]]:
    result = []
    for f in detect(normalize(text), DOMAINS):
        assert text[f.start : f.end] == f.text
        result.append((f.kind, f.category, f.severity, f.text))
    return result


def test_checksums() -> None:
    assert id_checksum_ok("11010519491231002X")
    assert not id_checksum_ok("110105194912310021")
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证11010519491231002X", ("cn_id", "privacy", "review", "11010519491231002X")),
        ("身份证１１０１０５１９４９１２３１００２ｘ",
         ("cn_id", "privacy", "review", "１１０１０５１９４９１２３１００２ｘ")),
        ("电话13812345678", ("mobile", "privacy", "review", "13812345678")),
        ("手机：+86 138-1234-5678", ("mobile", "privacy", "review", "+86 138-1234-5678")),
        ("卡号 6222 0212 3456 7890 128",
         ("bank_card", "privacy", "review", "6222 0212 3456 7890 128")),
        ("邮箱 a.b@qq.com", ("email", "privacy", "review", "a.b@qq.com")),
        ("加V：abc12345", ("wechat", "illicit_ads", "review", "加V：abc12345")),
        ("vx abcdef1", ("wechat", "illicit_ads", "review", "vx abcdef1")),
        ("薇信 abc_123x", ("wechat", "illicit_ads", "review", "薇信 abc_123x")),
        ("微信号：wxid_abc123", ("wechat", "illicit_ads", "review", "微信号：wxid_abc123")),
        ("加微13812345678", ("wechat", "illicit_ads", "review", "加微13812345678")),
        ("QQ12345678", ("qq", "illicit_ads", "review", "QQ12345678")),
        ("扣扣：123456", ("qq", "illicit_ads", "review", "扣扣：123456")),
        ("tg @scamchannel", ("telegram", "illicit_ads", "review", "tg @scamchannel")),
        ("飞机：@abcdefg", ("telegram", "illicit_ads", "review", "飞机：@abcdefg")),
        ("t.me/abcdefg", ("telegram", "illicit_ads", "review", "t.me/abcdefg")),
        ("看 https://a.evil-login.example/x?y=1",
         ("url", "malware", "block", "https://a.evil-login.example/x?y=1")),
        ("evil-login[.]example", ("url", "malware", "block", "evil-login[.]example")),
        ("点 t.cn/AbC12 领取", ("url", "malware", "review", "t.cn/AbC12")),
        ("ｂｉｔ．ｌｙ/x", ("url", "malware", "review", "ｂｉｔ．ｌｙ/x")),
    ],
)  # fmt: skip
def test_it_detects(text: str, expected: tuple[str, str, str, str]) -> None:
    assert found(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "号码 110105194912310021",  # bad ID checksum
        "订单号 4111111111111112",  # fails Luhn
        "vacation in vienna",  # 'v' + letters is not a handle
        "normal https://example.com/page",  # unlisted domain
        "version 1.2.3 released",
        "价格 12345 元",
        "qq.com is a website",
    ],
)
def test_it_ignores(text: str) -> None:
    assert found(text) == []
