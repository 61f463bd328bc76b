"""An extracted body tree -> plain-text blocks that read well in a terminal.

trafilatura returns its own XML (``<p>``, ``<head>``, ``<list>/<item>``,
``<quote>``, ``<table>/<row>/<cell>``, ``<lb/>``), except when one of its
fallbacks wins, which hands back the page's own HTML (``<div>`` around
``<p>``, ``<ul>/<li>``, ``<br>``). Both shapes are read here: one block per
paragraph, heading, list, quote or table; blocks are joined by blank lines
by the caller. Lists are ``- item`` lines (nested lists indented), quotes
``> `` lines, table rows ``a | b``.
"""

from __future__ import annotations

_PARAGRAPH = {"p", "head", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "figcaption"}
_LIST = {"list", "ul", "ol"}
_ITEM = {"item", "li"}
_QUOTE = {"quote", "blockquote"}
_CODE = {"code", "pre"}
_ROW = {"row", "tr"}
_CELL = {"cell", "td", "th"}
_BREAK = {"lb", "br"}
_DROP = {"graphic", "img", "script", "style", "noscript", "template", "svg", "iframe", "button"}
_BLOCKS = (
    _PARAGRAPH
    | _LIST
    | _QUOTE
    | _CODE
    | {"table", "div", "section", "article", "main", "header", "footer", "aside", "figure", "dl"}
)


def _squash(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def inline_text(el, skip: frozenset[str] | set[str] = frozenset()) -> str:
    """Text of an element, line breaks kept, other whitespace collapsed.

    Children whose tag is in ``skip`` are left out (their tails are not).
    """
    parts: list[str] = []

    def walk(node) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _BREAK:
                parts.append("\n")
            elif tag and tag not in skip and tag not in _DROP:
                if tag in _PARAGRAPH or tag in _ITEM:
                    parts.append("\n")
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return _squash("".join(parts))


def list_lines(el, depth: int = 0) -> list[str]:
    """``- item`` lines, nested lists indented under their item."""
    lines: list[str] = []
    for item in el:
        if item.tag not in _ITEM:
            continue
        text = inline_text(item, skip=_LIST).replace("\n", " ")
        if text:
            lines.append(f"{'  ' * depth}- {text}")
        for sub in item.iter(*_LIST):
            if sub is not item and next(sub.iterancestors(*_ITEM), None) is item:
                lines.extend(list_lines(sub, depth + 1))
    return lines


def _table_lines(table) -> list[str]:
    rows = []
    for row in table.iter(*_ROW):
        cells = (inline_text(c).replace("\n", " ") for c in row if c.tag in _CELL)
        line = " | ".join(c for c in cells if c)
        if line:
            rows.append(line)
    return rows


def _is_block(el) -> bool:
    return isinstance(el.tag, str) and (el.tag in _BLOCKS or el.tag in _ITEM or el.tag in _ROW)


def render_blocks(body) -> list[str]:
    """Plain-text blocks of ``body``'s children, in order.

    Runs of text and inline elements between blocks form one paragraph.
    """
    blocks: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        text = _squash(" ".join(pending))
        pending.clear()
        if text:
            blocks.append(text)

    if body.text:
        pending.append(body.text)
    for el in body:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not _is_block(el):
            if tag in _BREAK:
                pending.append("\n")
            elif tag and tag not in _DROP:
                pending.append(inline_text(el))
        else:
            flush()
            blocks.extend(_render_block(el, tag))
        if el.tail:
            pending.append(el.tail)
    flush()
    return blocks


def _render_block(el, tag: str) -> list[str]:
    if tag in _LIST:
        lines = list_lines(el)
    elif tag in _QUOTE:
        lines = [line for block in render_blocks(el) for line in block.split("\n") if line]
        lines = ["> " + line for line in lines]
    elif tag == "table":
        lines = _table_lines(el)
    elif tag in _CODE and next(el.iter(*(_BLOCKS - _CODE)), None) is None:
        text = "".join(el.itertext()).strip("\n")
        return [text] if text.strip() else []
    elif tag not in _PARAGRAPH and any(_is_block(c) for c in el):
        return render_blocks(el)  # a container: its blocks, not one run of text
    else:
        lines = [inline_text(el)]
    text = "\n".join(line for line in lines if line)
    return [text] if text else []
