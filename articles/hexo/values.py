"""Values as Hexo sees them: JavaScript's ``String()`` and Hexo's database boolean cast. Pure."""

from __future__ import annotations

import math


def js_string(value: object) -> str:
    """``String(value)`` as JavaScript (and so Hexo) writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, list | tuple):
        return ",".join(js_string(item) for item in value)
    return str(value)


def hexo_bool(value: object, *, default: bool) -> bool:
    """A boolean as Hexo's database (warehouse) casts it."""
    if value is None:
        return default
    if value in ("false", "0"):
        return False
    return bool(value)
