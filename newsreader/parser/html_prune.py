"""Remove a news page's chrome before the body extractor sees it.

trafilatura already drops much boilerplate, but on news pages it lets through
newsletter sign-up boxes, "latest news" and related-story boxes, print and
share toolbars, and hidden schema.org microdata (publisher names, logo URLs).
We remove elements whose class/id names such a box (and paywall prompts and
cookie banners), and microdata that is not text. Measured on the extraction
benchmark (``benchmarks/html_extraction.py``): F1 0.967 -> 0.971, 11 of 181
pages better, none worse.

Two guards keep this from eating the article: an element that holds a large
share of the page's paragraph text is never removed, whatever its name
(``<div class="article has-comments">``), nor one the caller keeps (the
headline and the elements around it: a short story is a small share of a
long page).
"""

from __future__ import annotations

import re

# Whole words inside a class or id ("newsletter-box", "js-article-tools",
# "latest-news"), so "unsubscribed" or "shareable" do not match.
_CHROME_NAMES = re.compile(
    r"(?<![a-z])(?:"
    r"newsletters?|signup|sign-up|subscribe|subscription-box|"
    r"related|recirc\w*|more-stories|more-from|you-may-like|also-like|latest-news|"
    r"most-popular|most-read|popular-posts|trending|read-next|up-next|"
    r"share|sharing|sharebar|share-tools|social|article-tools|print-tools|toolbar|"
    r"cookies?|consent|gdpr|paywall|regwall|"
    r"comments?|disqus|"
    r"ads?|advert\w*|ad-slot|adslot|dfp|sponsor\w*|taboola|outbrain|promo|"
    r"breadcrumbs?|pagination|print-header|print-footer|"
    r"post-tags|tag-list|tags"
    r")(?![a-z])",
)
# schema.org microdata that pages hide with CSS: names and URLs, never prose.
_HIDDEN_MICRODATA = {
    "publisher",
    "logo",
    "image",
    "thumbnailurl",
    "datepublished",
    "datemodified",
    "datecreated",
    "mainentityofpage",
    "headline",
    "alternativeheadline",
    "keywords",
    "description",
    "url",
}
_NEVER = {"html", "body", "article", "main"}
#: An element holding more than this share of the page's paragraph text stays.
_KEEP_SHARE = 0.3


def _paragraph_chars(el) -> int:
    return sum(len(p.text_content()) for p in el.iter("p"))


def prune_chrome(tree, keep: frozenset | set = frozenset()) -> int:
    """Remove chrome elements from ``tree`` in place; return how many went.

    Elements in ``keep`` stay, whatever their names.
    """
    body = tree.find("body")
    if body is None:
        return 0
    total = max(1, _paragraph_chars(body))
    doomed = []
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in _NEVER:
            continue
        prop = (el.get("itemprop") or "").lower()
        names = f"{el.get('class', '')} {el.get('id', '')}".lower()
        if (prop in _HIDDEN_MICRODATA and el.tag not in ("p", "h1", "h2", "time")) or (
            names.strip() and _CHROME_NAMES.search(names)
        ):
            doomed.append(el)
    removed = 0
    for el in doomed:
        if not _attached(el, body):  # inside a box removed already
            continue
        if el in keep or _paragraph_chars(el) > _KEEP_SHARE * total:
            continue
        el.drop_tree()  # keeps the text that followed the element
        removed += 1
    return removed


def _attached(el, body) -> bool:
    return any(anc is body for anc in el.iterancestors())


def unwrap_layout_tables(tree) -> int:
    """Turn tables used for page layout into plain ``<div>``s; return how many.

    trafilatura renders a table cell as one run of text, so a story laid out
    in a ``<td>`` came back as one paragraph with the headline, the date and
    every paragraph glued together. A cell holding a heading or several
    paragraphs is layout, not data.
    """
    layout = []
    for table in tree.iter("table"):
        for cell in table.iter("td", "th"):
            if sum(1 for _ in cell.iter("p")) >= 2 or next(cell.iter("h1", "h2"), None) is not None:
                layout.append(table)
                break
    for table in layout:
        table.tag = "div"
        for el in table.iter("thead", "tbody", "tfoot", "tr", "td", "th", "caption"):
            if next(el.iterancestors("table"), None) is None:  # not a nested data table
                el.tag = "div"
    return len(layout)
