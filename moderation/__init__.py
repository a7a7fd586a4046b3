"""Content moderation and prohibited-information filtering for Chinese-language platforms."""

__version__ = "0.1.0"
