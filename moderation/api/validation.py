"""Validating request bodies into typed inputs; every failure is a Problem naming the field."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from flask import Request

from moderation.api.problems import Problem
from moderation.moderations import PostInput

AUTHOR_FIELDS = {"id": str, "ip": str, "device_id": str, "verified": bool}
MAX_EXTERNAL_ID = 200
MAX_FIELD_CHARS = 1000


def json_body(request: Request) -> Any:
    """The parsed JSON body: 415 when it is not JSON, 400 when it does not parse."""
    if request.mimetype != "application/json":
        raise Problem(
            415,
            "Unsupported Media Type",
            f"send Content-Type: application/json (got {request.mimetype or 'none'!r})",
            field="Content-Type",
        )
    raw = request.get_data(cache=False)
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Problem(400, "Invalid JSON", f"the body is not valid JSON: {exc}") from None
    except RecursionError:
        raise Problem(400, "Invalid JSON", "the body is nested too deeply") from None


def _invalid(name: str, expected: str) -> Problem:
    return Problem(422, "Invalid Field", f"{name} must be {expected}", field=name, kind="invalid")


def _opt_str(data: dict[str, Any], key: str, name: str, limit: int = MAX_FIELD_CHARS) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid(name, "a string")
    if len(value) > limit:
        raise Problem(
            413, "Field Too Large", f"{name} is longer than {limit} characters", field=name
        )
    return value


def _author(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _invalid(name, "an object with id, ip, device_id, verified")
    out: dict[str, Any] = {}
    for key, kind in AUTHOR_FIELDS.items():
        item = value.get(key)
        if item is None:
            continue
        if kind is bool and not isinstance(item, bool):
            raise _invalid(f"{name}.{key}", "true or false")
        if kind is str:
            item = _opt_str(value, key, f"{name}.{key}")
        out[key] = item
    unknown = set(value) - set(AUTHOR_FIELDS)
    if unknown:
        raise _invalid(f"{name}.{sorted(unknown)[0]}", "one of " + ", ".join(AUTHOR_FIELDS))
    return out


def _callback(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid(name, "an http(s) URL")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise _invalid(name, "an http(s) URL")
    return value


def _context(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _invalid(name, "an object (e.g. channel, thread)")
    try:
        size = len(json.dumps(value))
    except RecursionError:
        raise _invalid(name, "less deeply nested") from None
    if size > 4 * MAX_FIELD_CHARS:
        raise Problem(413, "Field Too Large", f"{name} is too large", field=name)
    return value


def _check_strings(value: Any, name: str) -> None:
    """Every string (and key) must be storable: valid Unicode without NUL characters."""
    if isinstance(value, str):
        if "\x00" in value:
            raise _invalid(name, "text without NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _invalid(name, "valid Unicode (it contains a lone surrogate)") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key, name)
            _check_strings(item, f"{name}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_strings(item, f"{name}[{index}]")


def parse_post(data: Any, max_text_chars: int, prefix: str = "") -> PostInput:
    """Validate one post object; `prefix` locates it in a batch (e.g. `posts[3].`)."""
    if not isinstance(data, dict):
        raise _invalid(prefix.rstrip(".") or "body", "a JSON object")
    for key, value in data.items():
        try:
            _check_strings(value, f"{prefix}{key}")
        except RecursionError:
            raise _invalid(f"{prefix}{key}", "less deeply nested") from None
    text = data.get("text")
    if text is None:
        raise Problem(
            422, "Missing Field", f"{prefix}text is required", field=f"{prefix}text", kind="missing"
        )
    if not isinstance(text, str):
        raise _invalid(f"{prefix}text", "a string")
    if not text.strip():
        raise _invalid(f"{prefix}text", "a non-empty string")
    if len(text) > max_text_chars:
        raise Problem(
            413,
            "Text Too Large",
            f"{prefix}text has {len(text)} characters; the limit is {max_text_chars}",
            field=f"{prefix}text",
            kind="text-too-large",
        )
    external_id = data.get("external_id")
    if external_id is not None and (
        not isinstance(external_id, str) or not external_id or len(external_id) > MAX_EXTERNAL_ID
    ):
        raise _invalid(f"{prefix}external_id", f"a string of 1-{MAX_EXTERNAL_ID} characters")
    author = _author(data.get("author"), f"{prefix}author")
    return PostInput(
        text=text,
        title=_opt_str(data, "title", f"{prefix}title"),
        external_id=external_id,
        author_id=author.get("id"),
        author_ip=author.get("ip"),
        author_device_id=author.get("device_id"),
        author_verified=author.get("verified"),
        context=_context(data.get("context"), f"{prefix}context"),
        callback_url=_callback(data.get("callback_url"), f"{prefix}callback_url"),
    )


def parse_wait(data: dict[str, Any], max_wait: float) -> float:
    """The `wait` seconds (0 when absent); must be a number from 0 to `max_wait`."""
    value = data.get("wait", 0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid("wait", f"a number of seconds from 0 to {max_wait:g}")
    if not 0 <= value <= max_wait:
        raise _invalid("wait", f"a number of seconds from 0 to {max_wait:g}")
    return float(value)


def parse_batch(data: Any, max_batch: int, max_text_chars: int) -> list[PostInput]:
    """Validate a batch body `{"posts": [...]}` of 1 to `max_batch` posts."""
    if not isinstance(data, dict):
        raise _invalid("body", "a JSON object with a posts array")
    posts = data.get("posts")
    if posts is None:
        raise Problem(422, "Missing Field", "posts is required", field="posts", kind="missing")
    if not isinstance(posts, list) or not posts:
        raise _invalid("posts", "a non-empty array of posts")
    if len(posts) > max_batch:
        raise Problem(
            413,
            "Batch Too Large",
            f"posts has {len(posts)} items; the limit is {max_batch}",
            field="posts",
            kind="batch-too-large",
        )
    parsed = [parse_post(p, max_text_chars, f"posts[{i}].") for i, p in enumerate(posts)]
    seen: dict[str, int] = {}
    for i, post in enumerate(parsed):
        if post.external_id is None:
            continue
        if post.external_id in seen:
            raise _invalid(
                f"posts[{i}].external_id", f"unique (repeats posts[{seen[post.external_id]}])"
            )
        seen[post.external_id] = i
    return parsed
