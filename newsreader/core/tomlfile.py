"""Read and write the TOML files the user owns, without ever losing one.

:func:`load_toml` never raises: whatever the file holds, the caller gets a
:class:`TomlResult` that says ok or gives one line ``path:line:col: reason``.
``tomllib`` raises more than ``TOMLDecodeError`` (SECURITY.md, trap 11): a file
that is not UTF-8 gives ``UnicodeDecodeError``, ``a = [[[[...]]]]`` nested a
few thousand deep gives ``RecursionError``, an integer of 5,000 digits gives
``ValueError``; all of them are caught here.

A UTF-8 byte-order mark is tolerated: Windows editors (Notepad before 2019,
some PowerShell defaults) add one without the user seeing it, the TOML
spec's authors treat it as an encoding artefact rather than content, and
refusing would lock someone's bookmarks read-only over an invisible
character. It is stripped on reading and not written back.

:func:`save_toml` writes through :func:`newsreader.core.fileio.atomic_write` (temp
file, fsync, rename, one ``.bak``) and refuses to replace a file that exists
but does not parse, so a broken file can never be silently overwritten with
defaults (SECURITY.md, trap 10).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsreader.core.fileio import atomic_write

__all__ = ["MAX_TOML_BYTES", "TomlFileBroken", "TomlResult", "load_toml", "parse_toml_bytes", "save_toml"]

#: A user's config or bookmarks file is far below this; anything larger is
#: not what we think it is.
MAX_TOML_BYTES = 32 * 1024 * 1024

_BOM = b"\xef\xbb\xbf"
_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


class TomlFileBroken(ValueError):
    """Raised by :func:`save_toml` instead of replacing a file that does not parse."""


@dataclass(slots=True)
class TomlResult:
    """What reading one TOML file gave.

    ``ok`` is False only when the file exists and could not be read or
    parsed; then ``error`` is one line (``path:line:col: reason`` for a
    syntax error) and ``data`` is empty. A missing file is ok and empty,
    with ``exists`` False.
    """

    path: Path
    ok: bool
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    exists: bool = True
    had_bom: bool = False


def _end_position(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


def _decode_error_line(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> str:
    message = " ".join(str(exc).split())
    # Python 3.14 gives the position as attributes; 3.11-3.13 only in the text.
    line = getattr(exc, "lineno", None)
    col = getattr(exc, "colno", None)
    reason = getattr(exc, "msg", None)
    if line is None:
        match = _POSITION.search(message)
        if match:
            line, col = int(match.group(1)), int(match.group(2))
            reason = message[: match.start()]
        elif at_end := _AT_END.search(message):
            line, col = _end_position(text)
            reason = message[: at_end.start()] + " (at end of file)"
    reason = (reason or message or "invalid TOML").strip()
    if line is None:
        return f"{path}: {reason}"
    return f"{path}:{line}:{col}: {reason}"


def parse_toml_bytes(raw: bytes, path: Path) -> TomlResult:
    """Parse ``raw`` as if read from ``path`` (used by :func:`load_toml` and by
    editors that already hold the bytes). Never raises."""
    had_bom = raw.startswith(_BOM)
    if had_bom:
        raw = raw[len(_BOM) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return TomlResult(path, False, error=f"{path}: not UTF-8 (byte {exc.start + (3 if had_bom else 0)})")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return TomlResult(path, False, error=_decode_error_line(path, text, exc), had_bom=had_bom)
    except RecursionError:
        return TomlResult(path, False, error=f"{path}: nested too deeply", had_bom=had_bom)
    except MemoryError:
        return TomlResult(path, False, error=f"{path}: too large to read", had_bom=had_bom)
    except ValueError as exc:
        # int() refuses integers over 4,300 digits; other value conversions
        # inside tomllib raise plain ValueError too.
        reason = " ".join(str(exc).split())[:160]
        return TomlResult(path, False, error=f"{path}: invalid value: {reason}", had_bom=had_bom)
    except Exception as exc:  # noqa: BLE001 - a decoder bug must not stop the app
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        return TomlResult(path, False, error=f"{path}: cannot parse: {reason}", had_bom=had_bom)
    return TomlResult(path, True, data=data, had_bom=had_bom)


def load_toml(path: Path | str) -> TomlResult:
    """Read and parse ``path``. Never raises; see :class:`TomlResult`."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_TOML_BYTES + 1)
    except FileNotFoundError:
        return TomlResult(path, True, exists=False)
    except IsADirectoryError:
        return TomlResult(path, False, error=f"{path}: is a directory")
    except PermissionError:
        return TomlResult(path, False, error=f"{path}: permission denied")
    except OSError as exc:
        return TomlResult(path, False, error=f"{path}: cannot read: {exc.strerror or exc}")
    if len(raw) > MAX_TOML_BYTES:
        return TomlResult(path, False, error=f"{path}: larger than {MAX_TOML_BYTES} bytes")
    return parse_toml_bytes(raw, path)


def save_toml(path: Path | str, data: dict[str, Any], *, header: str = "", overwrite_broken: bool = False) -> None:
    """Write ``data`` to ``path`` atomically, keeping the previous file as ``path.bak``.

    ``header`` is prepended verbatim (comment lines). Raises
    :class:`TomlFileBroken` when ``path`` exists but does not parse, unless
    ``overwrite_broken`` is set; raises ``TypeError`` for values TOML cannot
    hold; ``OSError`` from the write itself propagates.
    """
    import tomli_w  # only writers pay for the import

    path = Path(path)
    if not overwrite_broken:
        current = load_toml(path)
        if not current.ok:
            raise TomlFileBroken(f"not saving over a file that does not parse: {current.error}")
    text = tomli_w.dumps(data)
    # Check the text reads back before it replaces anything.
    tomllib.loads(text)
    atomic_write(path, header + text)
