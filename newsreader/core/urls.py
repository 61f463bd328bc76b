"""Which URLs newsreader will fetch, open or store, and one spelling of each.

Every URL that came from outside (a feed, an OPML file, a page, the user's
config or bookmarks) passes :func:`check_url` before it is fetched, handed to
a browser or written to a file the user owns. Only plain ``http``/``https``
with a host get through: terminal readers have a long history of URLs that
were really shell commands (newsboat's ``|cmd`` and ``exec:`` outlines) or
browser options (a leading ``-``, CVE-2026-4519), see SECURITY.md, trap 3.

:func:`normalize_url` gives the spelling used to spot duplicates; it is never
shown or fetched in place of the original.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TypeGuard
from urllib.parse import urlsplit, urlunsplit

__all__ = ["MAX_URL_LENGTH", "check_url", "is_safe_url", "normalize_url"]

#: Longer URLs are refused: browsers and servers disagree above this, and a
#: real feed or article address is never this long.
MAX_URL_LENGTH = 2048

_ALLOWED_SCHEMES = ("http", "https")

# Schemes with a reason of their own, so the refusal says what was meant.
_NAMED_SCHEMES = {
    "javascript": "javascript: URL",
    "vbscript": "vbscript: URL",
    "file": "file: URL",
    "data": "data: URL",
    "exec": "exec: command (newsboat)",
    "filter": "filter: command (newsboat)",
    "query": "query: feed (newsboat)",
}

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")

# Query parameters that only track the reader; dropping them makes the same
# article shared from two places compare equal.
_TRACKING_EXACT = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _bad_character(url: str) -> str | None:
    for ch in url:
        if ch.isspace():
            return "whitespace inside URL"
        category = unicodedata.category(ch)
        # Cc: C0/C1 controls; Cf: bidi overrides, zero-width and other
        # invisible format characters; Cs: lone surrogates.
        if category in ("Cc", "Cf", "Cs"):
            return f"control character U+{ord(ch):04X} in URL"
    if "\\" in url:
        # Browsers read "\" as "/" in http URLs while Python does not, so
        # "https://good.example\@evil.example" means two different hosts.
        return "backslash in URL"
    return None


def check_url(url: str) -> str | None:
    """Return None when ``url`` is an acceptable http(s) URL, else a one-line reason.

    The reason is short enough to follow ``refused:`` in a warning line, for
    instance ``javascript: URL`` or ``not http(s): ftp: URL``.
    """
    if not isinstance(url, str):
        return "not a string"
    if not url:
        return "empty URL"
    if len(url) > MAX_URL_LENGTH:
        return f"URL longer than {MAX_URL_LENGTH} characters"
    if url.startswith("-"):
        return "URL starts with '-' (would be read as a browser option)"
    if url.lstrip().startswith("|"):
        return "'|' command pipe"
    match = _SCHEME.match(url)
    # Name a command or script scheme before anything else is said about it.
    if match and match.group(1).lower() in _NAMED_SCHEMES:
        return _NAMED_SCHEMES[match.group(1).lower()]
    bad = _bad_character(url)
    if bad:
        return bad
    if not match:
        return "not an absolute http(s) URL"
    scheme = match.group(1).lower()
    if scheme not in _ALLOWED_SCHEMES:
        return f"not http(s): {scheme}: URL"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as exc:
        return f"malformed URL ({exc})"
    if not url[len(match.group(0)) :].startswith("//"):
        return "no host in URL"
    if not host:
        return "no host in URL"
    if parts.port == 0:
        return "port 0 in URL"
    if host.startswith("-"):
        return "host starts with '-'"
    return None


def is_safe_url(url: str | None) -> TypeGuard[str]:
    """True when ``url`` passes :func:`check_url` (None is not safe)."""
    return url is not None and check_url(url) is None


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in _TRACKING_EXACT


def _strip_tracking(query: str) -> str:
    # Split by hand rather than parse_qsl/urlencode so the parameters that
    # stay keep their exact encoding and order.
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        name = pair.split("=", 1)[0]
        if not _is_tracking(name):
            kept.append(pair)
    return "&".join(kept)


def normalize_url(url: str) -> str:
    """The spelling of ``url`` used to find duplicates.

    Lowercases the scheme and host, drops the default port, the fragment and
    the common tracking parameters (``utm_*``, ``fbclid``, ``gclid`` ...),
    keeps everything else as written, and gives an empty path as ``/``. Never
    raises: a string that is not a URL comes back stripped.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in _ALLOWED_SCHEMES or not parts.netloc:
        return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    netloc = parts.netloc
    userinfo = ""
    if "@" in netloc:
        userinfo, _, netloc = netloc.rpartition("@")
        userinfo += "@"
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    path = parts.path or "/"
    query = _strip_tracking(parts.query)
    return urlunsplit((scheme, userinfo + host, path, query, ""))
