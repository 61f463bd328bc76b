"""What an HTML page says about its article: title, author, dates, links.

Our own reading of ``<meta>`` tags, JSON-LD and a few well-known elements, so
the metadata does not depend on the body extractor. Every value is plain text
that already went through :mod:`newsreader.core.sanitize`; every URL is absolute
and http(s), resolved against the URL the page was fetched from (``<base>`` is
ignored on purpose: a page must not send our links somewhere else).
"""

from __future__ import annotations

import html as htmllib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

from newsreader.core.models import Caption, Precision
from newsreader.core.sanitize import clean_line
from newsreader.parser.dates import parse_date
from newsreader.parser.images import MAX_IMAGES

#: JSON-LD ``@type`` values that describe the page's own story.
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "liveblogposting",
        "techarticle",
        "scholarlyarticle",
        "report",
        "socialmediaposting",
        "posting",
        "advertisercontentarticle",
        "satiricalarticle",
        "askpublicnewsarticle",
    }
)
_MAX_JSONLD_CHARS = 1_000_000
_MAX_FIELD_CHARS = 1000
_MAX_CAPTIONS = 8
_MAX_URL_CHARS = 2048

# Meta names/properties, best first.
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "dcterms.date",
    "originalpublicationdate",
    "og:published_time",
    "citation_publication_date",
)
_UPDATED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl", "twitter:creator")
_CREDIT_CLASS = re.compile(r"credit|copyright|photographer|attribution|byline|source", re.I)
_CREDIT_TEXT = re.compile(
    r"\s*[(\[]?\b((?:photo(?:graph)?|image|picture|foto|credit|illustration)s?"
    r"(?:\s+by)?\s*[:：]\s*[^()\[\]]+)[)\]]?\s*$",
    re.I,
)
_NOT_CONTENT = re.compile(r"related|recirc|promo|sidebar|newsletter|comment|advert|share", re.I)
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " // ", " » ")


@dataclass(slots=True)
class PageMeta:
    """Metadata of one page; every field optional except ``captions``."""

    title: str | None = None
    author: str | None = None
    published: datetime | date | None = None
    published_text: str | None = None
    precision: Precision = "unknown"
    updated: datetime | None = None
    url: str | None = None
    source: str | None = None
    summary: str | None = None
    captions: list[Caption] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    #: The page declares itself an article (og:type, JSON-LD type).
    is_article: bool = False
    #: The page declares part of its text subscriber-only.
    paywalled: bool = False
    #: Its pictures: the lead image (og:image) first, then the story's figures'.
    images: list[str] = field(default_factory=list)


def text_of(value: object) -> str:
    """One-line clean text; HTML entities that were escaped twice decoded once."""
    if not isinstance(value, str):
        return ""
    text = value[: _MAX_FIELD_CHARS * 4]
    if "&" in text:
        text = htmllib.unescape(text)
    return clean_line(text)[:_MAX_FIELD_CHARS]


def http_url(href: object, base: str | None) -> str | None:
    """``href`` made absolute against ``base``; None unless it is http(s)."""
    if not isinstance(href, str):
        return None
    href = clean_line(href).replace(" ", "%20")
    if not href or len(href) > _MAX_URL_CHARS:
        return None
    try:
        absolute = urljoin(base, href) if base else href
        parts = urlsplit(absolute)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None
    except ValueError:  # a broken IPv6 literal, a bad port...
        return None
    return absolute


def host_name(url: str | None) -> str | None:
    """``www.example.com`` -> ``example.com``."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


class _Meta:
    """``<meta>`` values by lower-cased name/property/itemprop, first one wins."""

    def __init__(self, tree) -> None:
        self.values: dict[str, list[str]] = {}
        for el in tree.iter("meta"):
            content = el.get("content")
            if content is None:
                content = el.get("datetime")
            if content is None:
                continue
            for attr in ("property", "name", "itemprop"):
                key = el.get(attr)
                if key:
                    self.values.setdefault(key.strip().lower(), []).append(content)

    def first(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.values.get(key, ()):
                text = text_of(value)
                if text:
                    return text
        return None

    def all(self, key: str) -> list[str]:
        return [t for t in (text_of(v) for v in self.values.get(key, ())) if t]


def _jsonld_nodes(tree) -> list[dict]:
    """Every JSON object in the page's ld+json scripts, ``@graph`` flattened."""
    nodes: list[dict] = []
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        raw = (script.text or "").strip()
        if not raw or len(raw) > _MAX_JSONLD_CHARS:
            continue
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(nodes) < 200:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item[:200]))
            elif isinstance(item, dict):
                nodes.append(item)
                # A WebPage often carries the story as its mainEntity.
                for key in ("@graph", "mainEntity"):
                    if isinstance(item.get(key), (list, dict)):
                        stack.append(item[key])
    return nodes


def _types(node: dict) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def _names(value: object) -> list[str]:
    """Names from a JSON-LD person/organisation value (str, dict or list)."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items[:20]:
        if isinstance(item, dict):
            item = item.get("name")
            if isinstance(item, list):  # some sites nest a list of names here
                item = " ".join(x for x in item if isinstance(x, str))
        text = text_of(item)
        if text and not text.lower().startswith(("http:", "https:")):
            names.append(text)
    return names


def _join_names(names: list[str]) -> str | None:
    unique: list[str] = []
    for name in names:
        name = re.sub(r"^(?:by|von|par|por|di)\s+", "", name, flags=re.I).strip(" ,;")
        if name and name.lower() not in (u.lower() for u in unique):
            unique.append(name)
    return ", ".join(unique)[:300] or None


def strip_site_name(title: str, site: str | None) -> str:
    """``Headline | Site`` -> ``Headline`` when the site part is recognisable."""
    if not site:
        return title
    squash = re.compile(r"[^0-9a-z]+")
    site_key = squash.sub("", site.lower())
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        if head and site_key and squash.sub("", tail.lower()) in (site_key, site_key + "com"):
            return head.strip()
        first, _, rest = title.partition(sep)
        if rest and site_key and squash.sub("", first.lower()) == site_key:
            return rest.strip()
    return title


def article_root(tree):
    """The element most likely to hold the story (for captions, time, byline)."""
    for path in ('//*[@itemprop="articleBody"]', "//article", "//main", '//*[@role="main"]'):
        found = tree.xpath(path)
        if found:
            # The article with the most text: pages list teasers as <article> too.
            return max(found[:50], key=lambda el: len(el.text_content()))
    body = tree.find("body")
    return body if body is not None else tree


def _outside_content(el) -> bool:
    for anc in el.iterancestors():
        if anc.tag in ("aside", "nav", "footer"):
            return True
        marker = f"{anc.get('class', '')} {anc.get('id', '')}"
        if marker.strip() and _NOT_CONTENT.search(marker):
            return True
    return False


def captions(root) -> list[Caption]:
    """Captions (and credits) of the figures in the story, lead image first."""
    found: list[Caption] = []
    seen: set[str] = set()
    for fig in root.iter("figure"):
        if len(found) >= _MAX_CAPTIONS:
            break
        cap_el = next(fig.iter("figcaption"), None)
        if cap_el is None or _outside_content(fig):
            continue
        credit_parts: list[str] = []
        text_parts: list[str] = []
        for node in _caption_pieces(cap_el, credit_parts):
            text_parts.append(node)
        text = clean_line(" ".join(text_parts))
        credit = clean_line(" ".join(credit_parts)) or None
        if not credit:
            m = _CREDIT_TEXT.search(text)
            if m and m.start() > 0:
                credit = clean_line(m.group(1))
                text = text[: m.start()].strip()
        if credit:
            credit = (
                re.sub(r"^(?:photo(?:graph)?|image|credit|foto)s?\s*(?:by)?\s*[:：]?\s*", "", credit, flags=re.I)
                or credit
            )
        if text and text not in seen:
            seen.add(text)
            found.append(Caption(text=text[:_MAX_FIELD_CHARS], credit=(credit or None) and credit[:300]))
    return found


def page_images(lead: str | None, root, base: str | None) -> list[str]:
    """The lead image's address, then those of the story's ``<figure>``
    images (``src``, or ``data-src`` for pictures loaded late), each once."""
    found = [lead] if lead else []
    for fig in root.iter("figure") if root is not None else ():
        if len(found) >= MAX_IMAGES:
            break
        img = next(fig.iter("img"), None)
        if img is None or _outside_content(fig):
            continue
        src = http_url(img.get("src") or img.get("data-src"), base)
        if src and src not in found:
            found.append(src)
    return found[:MAX_IMAGES]


def _caption_pieces(cap_el, credit_parts: list[str]):
    """Text of a figcaption, with credit elements moved to ``credit_parts``."""

    def walk(el):
        if el.text:
            yield el.text
        for child in el:
            if not isinstance(child.tag, str) or child.tag in ("script", "style"):
                pass
            elif _CREDIT_CLASS.search(f"{child.get('class', '')} {child.get('itemprop', '')}") or child.tag in (
                "small",
                "cite",
            ):
                credit_parts.append(child.text_content())
            else:
                yield from walk(child)
            if child.tail:
                yield child.tail

    yield from walk(cap_el)


def _first_time(root) -> str | None:
    for el in root.iter("time"):
        value = el.get("datetime") or (el.text_content() if el.get("pubdate") is not None else None)
        if value and parse_date(value.strip())[0] is not None:
            return value.strip()
    return None


def _byline(root) -> str | None:
    """Author from rel=author links or a byline element in the story."""
    names = [text_of(a.text_content()) for a in root.xpath('.//a[@rel="author"]')[:5]]
    names = [n for n in names if 0 < len(n) <= 80]
    if not names:
        for el in root.xpath(
            './/*[@itemprop="author"]|.//*[contains(@class,"byline")]|.//*[contains(@class,"author-name")]'
        )[:3]:
            name = text_of(el.get("content") or el.text_content())
            if 0 < len(name) <= 80:
                names.append(name)
                break
    return _join_names(names)


def read_meta(tree, url: str | None) -> PageMeta:
    """Collect everything the page states about itself."""
    meta = _Meta(tree)
    nodes = _jsonld_nodes(tree)
    stories = [n for n in nodes if _types(n) & ARTICLE_TYPES]
    story = stories[0] if stories else {}
    root = article_root(tree)
    out = PageMeta()

    og_type = (meta.first("og:type") or "").lower()
    # Three or more article nodes describe a list of stories, not this page.
    out.is_article = (
        len(stories) in (1, 2)
        or og_type in ("article", "news", "blog")
        or meta.first("article:published_time") is not None
    )
    free = story.get("isAccessibleForFree")
    out.paywalled = free is False or (isinstance(free, str) and free.strip().lower() == "false")

    # Canonical URL: <link rel=canonical>, og:url, then where it came from.
    base = http_url(url, None)
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            out.url = http_url(link.get("href"), base)
            if out.url:
                break
    out.url = out.url or http_url(meta.first("og:url"), base) or base

    publisher = story.get("publisher") if story else None
    site = meta.first("og:site_name", "application-name") or next(iter(_names(publisher)), None)
    if not site:
        site = next(
            (n for node in nodes if _types(node) & {"organization", "newsmediaorganization"} for n in _names(node)),
            None,
        )
    out.source = site or host_name(base) or host_name(out.url)

    title = text_of(story.get("headline")) or meta.first("og:title", "twitter:title")
    if not title:
        h1 = next(root.iter("h1"), None) if root is not None else None
        if h1 is None:
            h1 = next(tree.iter("h1"), None)
        title = text_of(h1.text_content()) if h1 is not None else ""
    if not title:
        title_el = tree.find(".//title")
        title = text_of(title_el.text_content()) if title_el is not None else ""
    out.title = strip_site_name(title, site or host_name(base)) or None

    authors = _names(story.get("author")) if story else []
    if not authors:
        # The first that is a name: article:author is often a profile URL,
        # twitter:creator a handle.
        authors = [
            a for a in (meta.first(k) for k in _AUTHOR_META) if a and not a.lower().startswith(("http:", "https:", "@"))
        ][:1]
    out.author = _join_names(authors) or _byline(root)

    # The first date that reads: the Open Graph tag, JSON-LD, other metas, <time>.
    candidates = [
        meta.first(*_PUBLISHED_META[:3]),
        text_of(story.get("datePublished")),
        *(meta.first(k) for k in _PUBLISHED_META[3:]),
        _first_time(root),
        _first_time(tree),
    ]
    for raw_date in filter(None, candidates):
        value, precision = parse_date(raw_date)
        if value is not None:
            out.published, out.precision, out.published_text = value, precision, raw_date[:100]
            break
    raw_updated = meta.first(*_UPDATED_META) or text_of(story.get("dateModified"))
    updated, _ = parse_date(raw_updated)
    out.updated = updated if isinstance(updated, datetime) else None

    out.summary = (
        meta.first("description", "og:description", "twitter:description") or text_of(story.get("description")) or None
    )
    out.captions = captions(root)
    lead = http_url(meta.first("og:image", "og:image:url", "twitter:image"), out.url or base)
    out.images = page_images(lead, root, out.url or base)
    keywords = meta.all("article:tag") or [k for k in (meta.first("keywords") or "").split(",")]
    out.tags = list(dict.fromkeys(t for t in (clean_line(k) for k in keywords[:30]) if t))[:20]
    return out
