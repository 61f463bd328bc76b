"""Our own plain reading of the story element, for when trafilatura stops short.

trafilatura takes the first element that looks like an article body. Pages
that split the story into several sibling containers (one per ad slot:
``<div class="body__container">`` x 4) lose everything after the first. When
the page's story element (``itemprop=articleBody``, ``<article>``, ``<main>``)
holds clearly more prose than trafilatura returned, the caller reads that
element directly with :func:`story_blocks`: its paragraphs, headings, lists
and quotes in document order, skipping link lists and figures.
"""

from __future__ import annotations

_BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre"}
_SKIP_INSIDE = {
    "figure",
    "figcaption",
    "aside",
    "nav",
    "footer",
    "form",
    "button",
    "noscript",
    "script",
    "style",
    "template",
    "svg",
    "select",
    "header",
}
_MAX_LINK_SHARE = 0.5


def _text(el) -> str:
    return " ".join(el.text_content().split())


def _link_share(el, text: str) -> float:
    linked = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return linked / max(1, len(text))


def prose_words(root) -> int:
    """Words in the paragraphs of ``root`` that are not mostly links."""
    total = 0
    for p in root.iter("p"):
        text = _text(p)
        if text and _link_share(p, text) <= _MAX_LINK_SHARE:
            total += len(text.split())
    return total


def story_blocks(root) -> list[str]:
    """Plain-text blocks of the story element, in document order."""
    blocks: list[str] = []
    stack = [iter(root)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP_INSIDE or el.get("hidden") is not None:
            continue
        if tag not in _BLOCK_TAGS:
            stack.append(iter(el))
            continue
        if tag in ("ul", "ol"):
            items = [_text(li) for li in el.iter("li")]
            items = [i for i in items if i]
            if items and _link_share(el, " ".join(items)) <= _MAX_LINK_SHARE:
                blocks.append("\n".join(f"- {i}" for i in items))
            continue
        if tag == "pre":
            text = el.text_content().strip("\n")
        else:
            text = _text(el)
        if not text or _link_share(el, text) > _MAX_LINK_SHARE:
            continue
        if tag == "blockquote":
            text = "> " + text
        blocks.append(text)
    return blocks
