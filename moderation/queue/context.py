"""What jobs run with in a worker process: the Runtime and the engine, loaded once."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from moderation.config import Settings
from moderation.runtime import Runtime


@dataclass
class WorkerContext:
    """The worker process's runtime (database, Redis) and its loaded engine."""

    runtime: Runtime
    engine: Any

    @property
    def settings(self) -> Settings:
        return self.runtime.settings


_current: WorkerContext | None = None
_lock = threading.Lock()


def load_engine(settings: Settings) -> Any:
    """Load lexicons and classifier once (a few seconds); never per job."""
    from moderation.engine import load_engine as _load

    lexicons = [settings.lexicon_dir] if settings.lexicon_dir else None
    engine = _load(lexicon_paths=lexicons, use_classifier=True)
    # Warm up lazy parts (segmenter dictionary, classifier) before the first real post.
    engine.analyze("预热：你好，加微信 abc123 http://example.com")
    return engine


def install(context: WorkerContext) -> None:
    """Make `context` the one jobs of this process use."""
    global _current
    _current = context


def current() -> WorkerContext:
    """The process's worker context; built from the environment on first use if needed."""
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                runtime = Runtime(Settings.from_env())
                _current = WorkerContext(runtime, load_engine(runtime.settings))
    return _current
