"""Hardened XML parsing for documents that come from outside.

Three rules, each with a test (``tests/test_parser_feed.py``):

* **No entity is ever expanded and nothing is ever fetched.** The DOCTYPE,
  internal subset included, is cut out of the text before libxml2 sees it,
  and the parser runs with ``resolve_entities=False, no_network=True,
  load_dtd=False, huge_tree=False``; XInclude is never processed. So neither
  "billion laughs" nor an external entity pointing at a local file or a URL
  can do anything (SECURITY.md, trap 5).
* **Bytes become text here, once.** The byte order mark, then the XML
  declaration, then UTF-8, then windows-1252 decide the encoding; a wrong or
  unknown declaration is a warning, never a crash. The parser then reads
  UTF-8 we produced ourselves.
* **Broken XML is read if it can be.** A strict parse first; then a repaired
  text (HTML entity names made numeric, bare ``&`` escaped, characters XML
  forbids removed); then libxml2's recovery mode, each with a warning. Only
  when nothing usable remains is it a :class:`~newsreader.core.models.ParseError`.

Feeds call :func:`parse_xml`. OPML (:mod:`.opml`) calls :func:`read_xml`,
which does the same steps but lets the caller add its own repair (stray
quotes inside ``<outline>`` attributes) and word its own warnings.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from html.entities import html5, name2codepoint
from typing import NamedTuple

from lxml import etree

from newsreader.core.models import ParseError
from newsreader.core.sanitize import clean_line
from newsreader.parser.unicode_sniff import bom_encoding, wide_encoding

__all__ = ["XmlRead", "decode_xml", "parse_xml", "read_xml", "repair_xml", "strip_doctype"]

_DECLARATION = re.compile(rb"^<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_DECLARATION_TEXT = re.compile(r"^\s*<\?xml\b[^>]{0,300}?\?>")
# Declared names that mean a larger encoding in practice, as browsers read
# them ("us-ascii" documents with other bytes in them are UTF-8 far more often
# than anything else).
_SUPERSETS = {
    "ascii": "utf-8",
    "iso8859-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
    "tis-620": "cp874",
    "iso8859-11": "cp874",
    "iso8859-9": "cp1254",
}
# Characters XML 1.0 forbids (and lone surrogates, which cannot be encoded).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# An entity reference by name; any ``&`` that starts no reference is bare.
_ENTITY_NAME = r"[A-Za-z_][\w.-]{0,31}"
_NAMED_ENTITY = re.compile(rf"&({_ENTITY_NAME});")
_BARE_AMPERSAND = re.compile(rf"&(?!(?:{_ENTITY_NAME}|#[0-9]{{1,7}}|#[xX][0-9A-Fa-f]{{1,6}});)")
_ERROR_PLACE = re.compile(r"\s*\([^()]*, line \d+\)\s*$")  # lxml's "(<string>, line 7)" repeat
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})


def _codec(name: str) -> str | None:
    try:
        canonical = codecs.lookup(name).name
    except (LookupError, ValueError):
        return None
    return _SUPERSETS.get(canonical, canonical)


def decode_xml(data: bytes, warnings: list[str]) -> str:
    """The document as text, by BOM, then declaration, then UTF-8, then windows-1252."""
    return _decoded(data, warnings)[0]


def _decoded(data: bytes, warnings: list[str]) -> tuple[str, bool]:
    """:func:`decode_xml`'s text, and whether it is all of ``data`` read as
    strict UTF-8 (then the text encodes back to ``data`` exactly)."""
    bom = bom_encoding(data)
    if bom is not None:
        encoding, length = bom
        return data[length:].decode(encoding, "replace"), False
    sniffed = wide_encoding(data)
    if sniffed:
        return data.decode(sniffed, "replace"), False
    head = data[:1024].lstrip()
    m = _DECLARATION.match(head)
    if m:
        declared = m.group(1).decode("ascii")
        codec = _codec(declared)
        if codec is None:
            warnings.append(f"unknown encoding {declared!r} declared; read as UTF-8")
        elif codec.startswith(("utf-16", "utf-32")):
            # The bytes are ASCII-compatible (no zero bytes above), so the
            # declaration is wrong.
            warnings.append(f"declared {declared} but the bytes are not; read as UTF-8")
        else:
            try:
                return data.decode(codec), codec == "utf-8"
            except UnicodeDecodeError:
                pass
            if codec != "utf-8":
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    warnings.append(f"bytes that are not {declared}; undecodable ones replaced")
                    return data.decode(codec, "replace"), False
                warnings.append(f"declared {declared} but the text is UTF-8; read as UTF-8")
                return text, True
            if _UTF8_SEQUENCE.search(data):  # mostly UTF-8 with a few bad bytes
                warnings.append(f"bytes that are not {declared}; undecodable ones replaced")
                return data.decode("utf-8", "replace"), False
            warnings.append(f"declared {declared} but the bytes are not; read as windows-1252")
            return _windows_1252(data), False
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        pass
    warnings.append("not valid UTF-8; read as windows-1252")
    return _windows_1252(data), False


def _windows_1252(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte.
        return data.decode("latin-1")


def _doctype_end(text: str, start: int) -> int:
    """Index just after the ``<!DOCTYPE ...>`` that begins at ``start``."""
    i, n = start + 9, len(text)
    quote = None
    depth = 0  # inside the [...] internal subset
    while i < n:
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(depth - 1, 0)
        elif ch == ">" and depth == 0:
            return i + 1
        elif depth and text.startswith("<!--", i):
            close = text.find("-->", i + 4)
            i = n if close < 0 else close + 2
        i += 1
    return n


def strip_doctype(text: str) -> tuple[str, bool]:
    """``text`` without the DOCTYPE of its prolog (internal subset and all).

    Only the prolog (comments, processing instructions, whitespace before the
    root element) is searched: a ``<!DOCTYPE`` later on is not a DTD.
    """
    pos, n = 0, len(text)
    while pos < n:
        while pos < n and text[pos] in " \t\r\n":
            pos += 1
        if text.startswith("<?", pos):
            close = text.find("?>", pos + 2)
        elif text.startswith("<!--", pos):
            close = text.find("-->", pos + 4)
            close = close + 1 if close >= 0 else close
        elif text[pos : pos + 9].upper() == "<!DOCTYPE":
            end = _doctype_end(text, pos)
            # Keep its line breaks so error positions still match the user's file.
            return text[:pos] + "\n" * text.count("\n", pos, end) + text[end:], True
        else:
            break
        if close < 0:
            break
        pos = close + 2
    return text, False


def _entity_text(name: str) -> str | None:
    """What an HTML entity name stands for (HTML 4 names first, then HTML 5)."""
    code = name2codepoint.get(name)
    if code is not None:
        return chr(code)
    if name + ";" in html5:
        return html5[name + ";"]
    code = name2codepoint.get(name.lower())
    return chr(code) if code is not None else None


def repair_xml(text: str, *, keep_unknown_entities: bool = False) -> str:
    """Fix what feeds most often get wrong, so a strict parse can succeed.

    An entity no one defined is dropped, or with ``keep_unknown_entities``
    shown as the literal ``&name;`` (OPML titles keep what the author typed).
    """
    text = _XML_INVALID.sub("", text)

    def numeric(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in _XML_ENTITIES:
            return m.group(0)
        value = _entity_text(name)
        if value is None:
            return "&amp;" + m.group(0)[1:] if keep_unknown_entities else ""
        return "".join(f"&#{ord(ch)};" for ch in value)

    text = _NAMED_ENTITY.sub(numeric, text)
    return _BARE_AMPERSAND.sub("&amp;", text)


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        encoding="utf-8",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
        collect_ids=False,
    )


def _first_line(exc: Exception) -> str:
    message = _ERROR_PLACE.sub("", str(exc))
    return clean_line(" ".join(message.split()))[:160] or type(exc).__name__


class XmlRead(NamedTuple):
    """What :func:`read_xml` found: the root, and how hard it was to get."""

    root: etree._Element
    had_doctype: bool  # a DOCTYPE was cut out before parsing
    problem: str | None  # the strict parse's first error; None when the text was well-formed
    recovered: bool  # only libxml2's recovery mode could read it


def read_xml(
    data: bytes,
    *,
    url: str | None,
    warnings: list[str],
    repair: Callable[[str], str] = repair_xml,
) -> XmlRead:
    """Parse ``data`` safely: strict, then ``repair``-ed, then recovery mode.

    Only encoding warnings go into ``warnings``; the caller words the rest
    from the result. :class:`ParseError` when nothing usable remains.
    """
    decoded, utf8 = _decoded(data, warnings)
    text = decoded.lstrip("\ufeff \t\r\n")
    m = _DECLARATION_TEXT.match(text)
    if m:
        text = text[m.end() :]
    text, had_doctype = strip_doctype(text)
    if utf8 and not had_doctype:
        # The text is the tail of the bytes as they came: the bytes of what
        # was cut from its front say where, and nothing is encoded again.
        raw = data[len(decoded[: len(decoded) - len(text)].encode("utf-8")) :]
    else:
        raw = text.encode("utf-8", "replace")
    base = url if url and len(url) <= 2048 else None
    try:
        root = etree.fromstring(raw, _parser(False), base_url=base)
        if root is not None:
            return XmlRead(root, had_doctype, None, False)
    except etree.XMLSyntaxError as exc:
        problem = _first_line(exc)
    else:
        problem = "empty document"
    repaired = repair(text).encode("utf-8", "replace")
    try:
        root = etree.fromstring(repaired, _parser(False), base_url=base)
        if root is not None:
            return XmlRead(root, had_doctype, problem, False)
    except etree.XMLSyntaxError:
        pass
    try:
        root = etree.fromstring(repaired, _parser(True), base_url=base)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"not well-formed XML: {_first_line(exc)}") from None
    if root is None:
        raise ParseError(f"not well-formed XML: {problem}")
    return XmlRead(root, had_doctype, problem, True)


def parse_xml(data: bytes, *, url: str | None, warnings: list[str]) -> etree._Element:
    """The root element of a feed, parsed safely; :class:`ParseError` when unreadable."""
    read = read_xml(data, url=url, warnings=warnings)
    if read.had_doctype:
        warnings.append("DOCTYPE removed (entities are never expanded)")
    if read.recovered:
        warnings.append(f"broken XML read in recovery mode ({read.problem})")
    elif read.problem:
        warnings.append(f"malformed XML repaired ({read.problem})")
    return read.root
