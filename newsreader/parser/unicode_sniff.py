"""Which Unicode encoding a document's first bytes announce: a byte order
mark, or the zero bytes UTF-16/32 put around ASCII. Shared by format
detection (which must stay free of lxml) and the XML reader."""

from __future__ import annotations

#: Byte order marks, longest first: UTF-32 LE's starts with UTF-16 LE's.
BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """(encoding, length of the BOM) when ``data`` starts with one."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def wide_encoding(data: bytes) -> str | None:
    """UTF-16/32 without a BOM, from the zero bytes around the first character."""
    head = data[:4]
    if len(head) < 4:
        return None
    if head[:3] == b"\x00\x00\x00" and head[3]:
        return "utf-32-be"
    if head[0] and head[1:4] == b"\x00\x00\x00":
        return "utf-32-le"
    if head[0] == 0 and head[1] and head[2] == 0:
        return "utf-16-be"
    if head[0] and head[1] == 0 and head[3] == 0:
        return "utf-16-le"
    return None
