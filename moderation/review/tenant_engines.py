"""Per-tenant engines for workers: the shared engine plus the tenant's active directive terms.

A directive (Art. 50) adds terms to one tenant's runtime lexicon. Workers keep one engine per
tenant with directives, built with `Engine.with_extra_terms` and rebuilt only when the tenant's
active terms change; tenants without directives use the shared engine unchanged. The verdict's
lexicon version then names the combined lexicon, so decisions stay reproducible.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from moderation.review.directives import active_terms


def terms_version(terms: list[dict[str, str]]) -> str:
    """A short hash of a tenant's active directive terms (empty string when none)."""
    if not terms:
        return ""
    lines = sorted(f"{t['term']}\t{t['category']}\t{t['severity']}" for t in terms)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def _entries(terms: list[dict[str, str]]) -> list[Any]:
    """Lexicon entries for directive terms, matched as substrings.

    An authority's phrase must match wherever it appears, even where the segmenter would not
    put a word boundary (蓝鲸游戏吧 segments as 游戏吧); this is also what the sweep does.
    """
    from moderation.engine.lexicon import LexiconEntry

    return [
        LexiconEntry(t["term"], t["category"], t["severity"], "substring", "directive")  # type: ignore[arg-type]
        for t in terms
    ]


class TenantEngines:
    """Engines by tenant, built lazily from a base engine and cached per terms version."""

    def __init__(self, base: Any) -> None:
        self.base = base
        self._cache: dict[str, tuple[str, Any]] = {}
        self._lock = threading.Lock()

    def for_tenant(self, session: Session, tenant_id: str) -> Any:
        """The engine to analyse this tenant's posts with (the base one when no directives)."""
        terms = active_terms(session, tenant_id)
        version = terms_version(terms)
        if not version:
            return self.base
        cached = self._cache.get(tenant_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        with self._lock:
            cached = self._cache.get(tenant_id)
            if cached is None or cached[0] != version:
                cached = (version, self.base.with_extra_terms(_entries(terms)))
                self._cache[tenant_id] = cached
        return cached[1]


_by_base: dict[int, TenantEngines] = {}
_registry_lock = threading.Lock()


def tenant_engines(base: Any) -> TenantEngines:
    """The process-wide TenantEngines of a base engine (workers load one engine, once)."""
    found = _by_base.get(id(base))
    if found is None or found.base is not base:
        with _registry_lock:
            found = _by_base.get(id(base))
            if found is None or found.base is not base:
                found = _by_base[id(base)] = TenantEngines(base)
    return found


def analyze_for_tenants(session: Session, base: Any, posts: Sequence[Any]) -> list[Any]:
    """Analyse posts (anything with `tenant_id` and `text`), each with its tenant's engine.

    Posts of one tenant are analysed in one batch; results come back in the posts' order.
    """
    engines = tenant_engines(base)
    by_tenant: dict[str, list[int]] = {}
    for index, post in enumerate(posts):
        by_tenant.setdefault(post.tenant_id, []).append(index)
    results: list[Any] = [None] * len(posts)
    for tenant_id, indexes in by_tenant.items():
        engine = engines.for_tenant(session, tenant_id)
        texts = [posts[i].text or "" for i in indexes]
        batch = getattr(engine, "analyze_batch", None)
        analyses = batch(texts) if batch is not None else [engine.analyze(t) for t in texts]
        for i, analysis in zip(indexes, analyses, strict=True):
            results[i] = analysis
    return results
