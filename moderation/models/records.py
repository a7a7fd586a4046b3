"""records models (filled in by the domain owner)."""

from __future__ import annotations
