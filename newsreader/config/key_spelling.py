"""Keys as ``[keymap]`` spells them: one key in Textual's spelling, or several
separated by commas. A shell command, a path or a sentence is refused."""

from __future__ import annotations

import re
from typing import Any

from newsreader.core.sanitize import clean_line

__all__ = ["check_key", "check_keys", "type_name"]

_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_KEY_NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")


def type_name(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__


def check_key(key: str) -> str | None:
    """None when ``key`` is one key in Textual's spelling (``s``, ``G``,
    ``ctrl+s``, ``shift+tab``, ``f5``, ``question_mark``), else a reason.

    A shell command, a path or a sentence fails: it is neither one printable
    character nor a lowercase key name.
    """
    if not key or len(key) > 48:
        return "empty or too long"
    if len(key) == 1:
        return None if key.isprintable() and not key.isspace() else "not a printable key"
    *mods, base = key.split("+")
    for mod in mods:
        if mod not in _MODIFIERS:
            return f"unknown modifier {mod!r}"
    if len(base) == 1:
        return None if base.isprintable() and not base.isspace() else "not a printable key"
    return None if _KEY_NAME.match(base) else "not a key name"


def spell_key(key: str) -> str:
    """Modifiers and key names in lowercase; a one-character key as typed (``G``)."""
    if len(key) == 1:
        return key
    mods, plus, base = key.rpartition("+")
    return mods.lower() + plus + (base if len(base) == 1 else base.lower())


def check_keys(value: Any) -> tuple[str | None, str | None]:
    """(normalised ``"a,b"`` string, None) or (None, reason).

    Several keys are separated by commas, as in Textual's ``Binding``; a
    list of strings is accepted too.
    """
    if isinstance(value, str):
        keys = value.split(",")
    elif isinstance(value, list) and value and all(isinstance(k, str) for k in value):
        keys = list(value)
    else:
        return None, f"expected a key string, got {type_name(value)}"
    spelled = [spell_key(k.strip()) for k in keys]
    if any(check_key(k) is not None for k in spelled):
        shown = clean_line(str(value))[:60]
        return None, f'"{shown}" is not a key (expected e.g. "s", "ctrl+s", "f5")'
    return ",".join(spelled), None
