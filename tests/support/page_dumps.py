"""What the page-dump parser's tests share: the fixtures, the reference
time, the boilerplate no article may keep, and every string of a document."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime

from newsreader.core.models import Article, Caption, ParsedDocument
from newsreader.parser.dump import parse
from tests.support.paths import FIXTURES

AS_OF = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
DUMPS = FIXTURES / "dumps"
BOILERPLATE = [
    "Orange background",
    "Try Our AI Features",
    "Explore what Daily8 AI",
    "No comments yet",
    "Related Articles",
    "DOWNLOAD THE APP",
    "Get Started Now",
    "Ready to dive",
    "app-store",
    "هاشتاغز",
    "جرب ميزات",
    "اكتشف ما يمكن",
    "التعليقات",
    "لا يوجد تعليقات",
    "أخبار ذات صلة",
]


def load(name: str, **kw) -> ParsedDocument:
    return parse((DUMPS / name).read_bytes(), as_of=AS_OF, **kw)


def strings(doc: ParsedDocument) -> Iterator[str]:
    """Every string the parser put into the document."""
    yield from doc.warnings
    yield from (s for s in (doc.feed_title,) if s)
    for article in doc.articles:
        for f in fields(Article):
            value = getattr(article, f.name)
            if isinstance(value, str):
                yield value
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, str):
                        yield item
                    elif isinstance(item, Caption):
                        yield item.text
                        yield item.credit or ""


def assert_no_boilerplate(doc: ParsedDocument) -> None:
    for article in doc.articles:
        for text in (article.title, article.body, article.summary or "", *article.tags):
            for phrase in BOILERPLATE:
                assert phrase not in text, (phrase, article.title)


def related_of(doc: ParsedDocument) -> list[Article]:
    return [doc.articles[i] for i in doc.articles[doc.main].related]
