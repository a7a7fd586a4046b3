"""Pattern detectors: personal data, contact handles and links, found in the normalised text.

Running on the normalised text means full-width digits, ① styles and invisible characters are
already folded; every finding is mapped back to its span in the original text.

| kind | category | severity | rule |
|---|---|---|---|
| cn_id | privacy | review | 18-character resident ID with a valid GB 11643 check character |
| bank_card | privacy | review | 16–19 digits (optionally grouped in 4s) passing the Luhn check |
| mobile | privacy | review | mainland mobile number 1[3-9]xxxxxxxxx (optional +86) |
| email | privacy | review | e-mail address |
| wechat/qq/telegram | illicit_ads | review | handle after 加V, vx, 微信, QQ, 扣扣, tg, 飞机… |
| url | malware | block/review | link to a blocklisted domain (block) or URL shortener (review) |
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from moderation.engine.normalize import NormalizedText
from moderation.engine.types import Finding, Severity

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10x98765432"

_CN_ID = re.compile(
    r"(?<![0-9a-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dx]"
    r"(?![0-9a-z])"
)
_BANK_CARD = re.compile(r"(?<![\d-])(?:\d{4}[ -]?){3}\d{4}(?:[ -]?\d{1,3})?(?![\d-])")
_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")
_EMAIL = re.compile(r"(?<![\w.+-])[a-z0-9][a-z0-9._%+-]{0,63}@(?:[a-z0-9-]+\.)+[a-z]{2,24}\b")

_SEP = r"[\s:：=＝\-_+、,，.。@＠]"
# (CJK keywords: separator optional, Latin keywords: separator required unless digits follow)
_HANDLE_WORDS = {
    "wechat": (
        r"(?:微信|薇信|威信|徽信|v信|微x|vx号|wx号|加\s*v|加\s*微|\+\s*v)",
        r"(?:vx|wx|weixin|wechat)",
    ),
    "qq": (r"(?:扣扣|企鹅|q号|加\s*q|\+\s*q)", r"(?:qq)"),
    "telegram": (r"(?:电报|纸飞机|飞机号?)", r"(?:telegram|tg)"),
}
_HANDLE_IDS = {
    "wechat": (r"([a-z][a-z0-9_-]{5,19}|1[3-9]\d{9})", r"(1[3-9]\d{9})"),
    "qq": (r"([1-9]\d{4,11})", r"([1-9]\d{4,11})"),
    "telegram": (r"@?([a-z][a-z0-9_]{4,31})", r"(?!)"),
}


def _handle_pattern(kind: str) -> re.Pattern[str]:
    cjk, latin = _HANDLE_WORDS[kind]
    any_id, digit_id = _HANDLE_IDS[kind]
    return re.compile(
        rf"(?:{cjk}号?{_SEP}*|(?<![a-z0-9]){latin}(?:{_SEP}+|(?={digit_id})))"
        rf"{any_id}(?![a-z0-9_])"
    )


_HANDLES = {kind: _handle_pattern(kind) for kind in _HANDLE_WORDS}
_TME = re.compile(r"(?<![a-z0-9.])t\.me/([a-z0-9_]{4,32})", re.IGNORECASE)

_DOT = r"(?:\.|\[\.\]|\(\.\)|。|．)"
_URL = re.compile(
    r"(?:(?:https?|hxxps?)://)?"
    r"((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?" + _DOT + r")+[a-z]{2,24})"
    r"(?::\d{1,5})?(?:/[\w\-./?%&=+#~!$,;:@]*)?"
)


def id_checksum_ok(number: str) -> bool:
    """GB 11643 check character of an 18-character resident ID number."""
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].lower()


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) check used by bank card numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


@dataclass(frozen=True)
class DomainLists:
    """Domains that make a link a `malware` finding."""

    blocklist: frozenset[str] = frozenset()
    shorteners: frozenset[str] = frozenset()

    @staticmethod
    def _listed(domain: str, listed: frozenset[str]) -> bool:
        parts = domain.split(".")
        return any(".".join(parts[i:]) in listed for i in range(len(parts) - 1))

    def classify(self, domain: str) -> tuple[Severity, str] | None:
        """(severity, detail) for a listed domain or one of its subdomains, else None."""
        domain = domain.lower().removeprefix("www.")
        if self._listed(domain, self.blocklist):
            return "block", f"blocklisted domain {domain}"
        if self._listed(domain, self.shorteners):
            return "review", f"URL shortener {domain} hides the destination"
        return None


class _Collector:
    """Collects findings, mapping normalised spans to original ones, without overlaps."""

    def __init__(self, norm: NormalizedText) -> None:
        self.norm = norm
        self.findings: list[Finding] = []
        self._taken: list[tuple[int, int]] = []

    def overlaps(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self._taken)

    def add(
        self, kind: str, category: str, severity: Severity, span: tuple[int, int], detail: str
    ) -> None:
        if self.overlaps(*span):
            return
        self._taken.append(span)
        start, end = self.norm.span(*span)
        text = self.norm.original[start:end]
        self.findings.append(Finding(kind, category, severity, start, end, text, detail))


# Cheap pre-checks: skip a family of patterns when the text cannot contain one.
_MAYBE_NUMBER = re.compile(r"\d[\d -]{9,}\d")
# (every handle keyword contains one of these characters; a class search is ~20x cheaper than
# searching for the keyword alternation)
_MAYBE_HANDLE = re.compile(r"[微薇威徽vwq扣企电飞t]")
_MAYBE_LINK = re.compile(r"[a-z0-9](?:[.。．]|\[\.\]|\(\.\))[a-z]|@")


def _personal(c: _Collector, text: str) -> None:
    if not _MAYBE_NUMBER.search(text):
        return
    for m in _CN_ID.finditer(text):
        if id_checksum_ok(m.group()):
            c.add("cn_id", "privacy", "review", m.span(), "resident ID number (valid checksum)")
    for m in _BANK_CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 16 <= len(digits) <= 19 and digits[0] in "3456" and luhn_ok(digits):
            c.add("bank_card", "privacy", "review", m.span(), "bank card number (Luhn valid)")
    for m in _MOBILE.finditer(text):
        c.add("mobile", "privacy", "review", m.span(), "mobile phone number")


def _handles(c: _Collector, text: str) -> None:
    if not _MAYBE_HANDLE.search(text):
        return
    for kind, pattern in _HANDLES.items():
        for m in pattern.finditer(text):
            c.add(
                kind, "illicit_ads", "review", m.span(), f"{kind} contact handle {m.groups()[-1]}"
            )
    for m in _TME.finditer(text):
        c.add("telegram", "illicit_ads", "review", m.span(), f"telegram link @{m.group(1)}")


def _links(c: _Collector, text: str, domains: DomainLists) -> None:
    if not _MAYBE_LINK.search(text):
        return
    for m in _EMAIL.finditer(text):
        c.add("email", "privacy", "review", m.span(), "e-mail address")
    for m in _URL.finditer(text):
        domain = re.sub(_DOT, ".", m.group(1))
        verdict = domains.classify(domain)
        if verdict is not None and not c.overlaps(*m.span()):
            c.add("url", "malware", verdict[0], m.span(), verdict[1])


def detect(norm: NormalizedText, domains: DomainLists) -> list[Finding]:
    """All detector findings in a normalised text, ordered by position in the original."""
    collector = _Collector(norm)
    text = norm.text
    _handles(collector, text)
    _links(collector, text, domains)
    _personal(collector, text)
    return sorted(collector.findings, key=lambda f: (f.start, f.end, f.kind))


def kinds() -> Iterable[str]:
    """Every finding kind the detectors can produce."""
    return ("cn_id", "bank_card", "mobile", "email", "wechat", "qq", "telegram", "url")
