"""This device's sync id: made once, kept in the user data dir (``sync-device``)."""

from __future__ import annotations

import os
import re
import secrets
import socket
from pathlib import Path

_VALID = re.compile(r"^[a-z0-9][a-z0-9-]{3,62}$")


def device_id(data_dir: Path) -> str:
    """The id in ``data_dir/sync-device``, created on first use (host name + random part)."""
    path = data_dir / "sync-device"
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        text = ""
    if _VALID.match(text):
        return text
    host = re.sub(r"[^a-z0-9-]+", "-", socket.gethostname().lower()).strip("-")[:30] or "device"
    new = f"{host}-{secrets.token_hex(4)}"
    data_dir.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(new + "\n", encoding="ascii")
    os.replace(temp, path)
    return new
