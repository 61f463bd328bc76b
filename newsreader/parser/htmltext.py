"""HTML fragments (feed descriptions, Atom content) as plain text to read.

The reader shows text, not markup, so what a feed gives as HTML becomes
paragraphs with a blank line between them, ``• `` list items, ``> `` quotes,
table rows on one line, and links as ``text (url)`` when the text is not
already the address. Scripts, styles, forms and embedded media leave nothing.

The walk over the tree is iterative (:func:`lxml.etree.iterwalk`), so deep or
nested markup costs time in proportion to its size and never recursion; the
output is capped so one huge item cannot fill the cache. Most items are only
paragraphs and inline markup: :mod:`newsreader.parser.html_paragraphs` reads
those with the same result and far less Python, and the walk reads the rest.
"""

from __future__ import annotations

import html
import re
import threading

from lxml import etree

from newsreader.parser.html_links import link_target, same_address
from newsreader.parser.html_paragraphs import paragraphs_text
from newsreader.parser.plaintext import (
    BLANK_LINES,
    MAX_TEXT_CHARS,
    cap_text,
    clean_short,
    drop_invisible,
    finish_text,
    fix_c1,
    looks_like_html,
    one_line,
    paragraph_line,
    plain_to_text,
    shorten,
)

__all__ = [
    "MAX_TEXT_CHARS",
    "clean_short",
    "element_to_text",
    "fix_c1",
    "html_to_text",
    "looks_like_html",
    "one_line",
    "plain_to_text",
    "shorten",
]

#: Longest HTML input read at all (the document cap is 16 MiB).
MAX_HTML_CHARS = 4_000_000

# Elements whose content is never text to read.
_SKIP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "select",
        "button",
        "input",
        "textarea",
        "canvas",
        "audio",
        "video",
        "map",
        "frameset",
        "frame",
        "applet",
        "param",
        "source",
        "track",
        "meta",
        "link",
    }
)
# Elements that start and end a paragraph.
_BLOCK = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "main",
        "figure",
        "figcaption",
        "address",
        "center",
        "form",
        "fieldset",
        "legend",
        "details",
        "summary",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "li",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "tr",
        "blockquote",
        "pre",
        "hr",
        "body",
        "html",
        "menu",
        "hgroup",
        "dir",
        "listing",
        "plaintext",
        "xmp",
        "content",
    }
)
_LIST = frozenset({"ul", "ol", "menu", "dir"})
_CELL = frozenset({"td", "th"})

_local = threading.local()


def _html_parser() -> etree.HTMLParser:
    # One parser per thread: lxml parsers must not be shared between threads.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(
            encoding="utf-8",
            no_network=True,
            remove_comments=True,
            remove_pis=True,
            remove_blank_text=False,
            compact=True,
            default_doctype=False,
        )
        _local.parser = parser
    return parser


class _TextBuilder:
    """Collects paragraphs while the tree is walked."""

    def __init__(self, base_url: str | None, max_chars: int) -> None:
        self.base_url = base_url
        self.max_chars = max_chars
        self.blocks: list[str] = []
        # Per block: "para", or the list / table it belongs to ("li3", "tr4"):
        # entries of one list, rows of one table, go on adjacent lines.
        self.kinds: list[str] = []
        self.kind = "para"
        self.group = 0  # counts outermost lists and tables
        self.tables = 0
        self.size = 0
        self.parts: list[str] = []  # inline text of the paragraph being built
        self.prefix: str | None = None  # decided when the first text arrives
        self.cont = ""  # prefix of the paragraph's later lines
        self.quote = 0
        self.lists: list[list[int]] = []  # per open list: [is_ordered, counter]
        self.bullet: str | None = None
        self.pre = 0
        self.pre_block = False
        self.cells: list[int] = []  # cells seen so far, per open table row
        self.links: list[tuple[int, int, str | None]] = []  # open <a>: block, part, href
        self.full = False

    # -- paragraphs -------------------------------------------------------
    def text(self, value: str | None) -> None:
        if not value or self.full:
            return
        if not self.pre and "\n" in value:
            value = value.replace("\n", " ")  # only <br> breaks a line in HTML
        if self.prefix is None:
            if not self.pre and not value.strip():
                return
            indent = "  " * max(len(self.lists) - 1, 0)
            self.prefix = "> " * self.quote + indent + (self.bullet or "")
            self.cont = "> " * self.quote + indent + (" " * len(self.bullet) if self.bullet else "")
            if self.bullet:
                self.kind = f"li{self.group}"
            else:
                self.kind = f"tr{self.group}" if self.cells else "para"
            self.bullet = None
            self.pre_block = self.pre > 0
        self.parts.append(value)

    def flush(self) -> None:
        if not self.parts:
            self.prefix = None
            return
        raw = "".join(self.parts)
        self.parts.clear()  # the same list: the walk holds it
        if not self.pre_block and "\n" not in raw:  # the usual paragraph: one line
            line = paragraph_line(raw)
            if line:
                self._add_block(self.prefix + line if self.prefix else line)
            self.prefix = None
            return
        if self.pre_block:
            lines = [line.rstrip() for line in raw.split("\n")]
            while lines and not lines[0].strip():
                lines.pop(0)
            while lines and not lines[-1].strip():
                lines.pop()
        else:
            lines = []
            for chunk in BLANK_LINES.split(raw):
                if lines:
                    lines.append("")
                lines.extend(line for line in (one_line(x) for x in chunk.split("\n")) if line)
            while lines and not lines[-1]:
                lines.pop()
        if lines and any(lines):
            first, rest = self.prefix or "", self.cont
            out = [first + lines[0]] + [(rest + line) if line else rest.rstrip() for line in lines[1:]]
            self._add_block("\n".join(out))
        self.prefix = None
        self.pre_block = False

    def _add_block(self, block: str) -> None:
        self.blocks.append(block)
        self.kinds.append(self.kind)
        self.size += len(block) + 2
        if self.size > self.max_chars:
            self.full = True

    def result(self) -> str:
        self.flush()
        if not self.blocks:
            return ""
        out: list[str] = []
        for i, block in enumerate(self.blocks):
            if i:
                # List entries and table rows in a run stay on adjacent lines.
                tight = self.kinds[i] != "para" and self.kinds[i] == self.kinds[i - 1]
                out.append("\n" if tight else "\n\n")
            out.append(block)
        text = "".join(out)
        if not text.isascii():
            text = drop_invisible(text)
        return cap_text(text, self.max_chars)

    # -- elements ---------------------------------------------------------
    def start(self, tag: str, el: etree._Element) -> None:
        if tag in _BLOCK:
            if self.parts:  # else nothing to flush: no text, no prefix yet
                self.flush()
            if tag in _LIST:
                if not self.lists:
                    self.group += 1
                self.lists.append([tag == "ol", 0])
            elif tag == "table":
                if not self.tables:
                    self.group += 1
                self.tables += 1
            elif tag == "li":
                if self.lists and self.lists[-1][0]:
                    self.lists[-1][1] += 1
                    self.bullet = f"{self.lists[-1][1]}. "
                else:
                    self.bullet = "• "
            elif tag == "blockquote":
                self.quote += 1
            elif tag == "pre" or tag in ("listing", "xmp", "plaintext"):
                self.pre += 1
            elif tag == "tr":
                self.cells.append(0)
            elif tag == "dd":
                self.bullet = "  "
        elif tag in _CELL:
            if self.cells:
                if self.cells[-1] and self.parts:
                    self.parts.append(" | ")
                self.cells[-1] += 1
        elif tag == "br":
            if self.parts:
                self.parts.append("\n")
        elif tag == "a":
            self.links.append((len(self.blocks), len(self.parts), el.get("href")))

    def end(self, tag: str) -> None:
        if tag in _BLOCK:
            if self.parts:
                self.flush()
            if tag in _LIST and self.lists:
                self.lists.pop()
            elif tag == "table" and self.tables:
                self.tables -= 1
            elif tag == "blockquote" and self.quote:
                self.quote -= 1
            elif tag in ("pre", "listing", "xmp", "plaintext") and self.pre:
                self.pre -= 1
            elif tag == "tr" and self.cells:
                self.cells.pop()
            elif tag in ("li", "dd"):
                self.bullet = None
        elif tag == "a" and self.links:
            blocks, start, href = self.links.pop()
            if blocks != len(self.blocks) or self.full:
                return
            target = link_target(href, self.base_url)
            if target is None:
                return
            label = one_line("".join(self.parts[start:]))
            # A label of words (a space, no scheme) is never the address,
            # which has no space (link_target): the usual link.
            if label and ((" " in label and "://" not in label) or not same_address(label, target)):
                self.parts.append(f" ({target})")


# Elements the builder has something to do for; every other tag is inline
# text and costs nothing but its text and tail.
_STRUCTURAL = _BLOCK | _CELL | {"br", "a"}
# Blocks that only end one paragraph and start the next (no list, table,
# quote or preformatted state): the walk flushes for them itself.
_PLAIN_BLOCK = _BLOCK - _LIST - _SKIP - {"table", "li", "blockquote", "pre", "listing", "xmp", "plaintext", "tr", "dd"}


def _walk(root: etree._Element, builder: _TextBuilder, *, skip_root_tail: bool) -> None:
    # iterwalk yields elements only: comments and processing instructions
    # were removed by the parsers (their tails merged into the text).
    # The walk runs once per element and is most of a feed item's parse:
    # empty text and tails (most of them) are passed over, plain blocks
    # flush here, and text inside an open paragraph is added here.
    walker = etree.iterwalk(root, events=("start", "end"))
    text = builder.text
    parts = builder.parts
    for event, el in walker:
        name = str(el.tag)  # a parsed element's tag is a str already; the stubs allow others
        if name[0] == "{":  # XHTML inside a feed
            name = name.rpartition("}")[2].lower()
        if event == "start":
            if name in _PLAIN_BLOCK:
                if parts:
                    builder.flush()
                    if builder.full:
                        break
            elif name in _SKIP:
                walker.skip_subtree()
                continue
            elif name in _STRUCTURAL:
                builder.start(name, el)
            value = el.text
        else:
            if name in _PLAIN_BLOCK:
                if parts:
                    builder.flush()
            elif name in _STRUCTURAL:
                builder.end(name)
            if builder.full:  # a paragraph just filled the text
                break
            if el is root and skip_root_tail:
                continue
            value = el.tail
        if value:
            if builder.prefix is not None and not builder.pre:
                # Inside a paragraph: what builder.text does there.
                parts.append(value.replace("\n", " ") if "\n" in value else value)
            else:
                text(value)
                if builder.full:
                    break


def element_to_text(el: etree._Element, *, base_url: str | None = None, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Readable text of an element's content (Atom ``type="xhtml"``, inline markup).

    The element itself is only a container: its own name is not rendered and
    its tail is not read.
    """
    builder = _TextBuilder(base_url, max_chars)
    builder.text(el.text)
    for child in el:
        if not isinstance(child.tag, str):  # an entity left unexpanded, a comment
            builder.text(child.tail)
            continue
        _walk(child, builder, skip_root_tail=False)
        if builder.full:
            break
    return finish_text(builder.result())


def html_to_text(markup: str, *, base_url: str | None = None, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Readable plain text of an HTML fragment; never raises on bad markup."""
    if not markup:
        return ""
    if not looks_like_html(markup):
        return plain_to_text(markup, max_chars=max_chars)
    if len(markup) > MAX_HTML_CHARS:
        markup = markup[:MAX_HTML_CHARS]
    data = markup.encode("utf-8", "replace")
    try:
        root = etree.fromstring(data, _html_parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        return plain_to_text(_TAG_STRIP.sub(" ", html.unescape(markup)), max_chars=max_chars)
    text = paragraphs_text(root, markup, base_url, max_chars)
    if text is None:
        builder = _TextBuilder(base_url, max_chars)
        _walk(root, builder, skip_root_tail=True)
        text = builder.result()
    return finish_text(text)


_TAG_STRIP = re.compile(r"<[^>]*>")
