"""Aggregator page dumps: the plain text of a Daily8 app page, copied by hand.

Two layouts are known. **Layout A** starts with ``logo``, repeats the title,
glues the source to the age (``Japan Timesa day ago``) and puts blank lines
everywhere; its related stories read *title, title, source, time<age>,
• source, title, summary*. **Layout B** has no logo, gives the title once,
packs the app's boilerplate on single lines and writes related stories as
*source, age, - source, title, summary*. Hashtag pages (``Latest news with
#Tag``) and source pages (``Latest from <Source>``) are lists of such stories
with no article of their own. Any other text is read as one plain article,
with a warning, so a dump from another aggregator still imports.

Dumps are often cut off (the shared corpus stops every file at 2000 bytes):
what is complete is kept, what is not is dropped or trimmed to its last whole
sentence, and the document says so in ``warnings``.

The app's boilerplate is data in :data:`VOCABULARY`, one entry per language;
a new edition of the app is a new entry.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime

from newsreader.core.models import Article, Caption, ParsedDocument, ParseError, Precision
from newsreader.core.sanitize import clean, clean_line
from newsreader.parser.ages import parse_age_or_date, split_glued_age
from newsreader.parser.dumptext import (
    _DATE_LINE,
    _DURATION,
    _FINISHED,
    _INLINE_CREDIT,
    _LISTING_SOURCE,
    _LISTING_TAG,
    _PAREN_CREDIT,
    _PLAIN_CHROME,
    _STOP_ROLES,
    _TITLE_MAX,
    _URL_ENCODED,
    VOCABULARY,
    _age_line,
    _Block,
    _bullet,
    _credit_like,
    _decode,
    _first_sentence_end,
    _is_credit,
    _Line,
    _norm,
    _readable,
    _role,
    _same,
    _source_like,
    _split_lines,
    _strip_trailer,
    _trim_cut,
)

__all__ = ["VOCABULARY", "parse"]


class _Reader:
    def __init__(self, lines: list[_Line], as_of: datetime, url: str | None) -> None:
        self.lines = lines
        self.as_of = as_of
        self.url = clean_line(url) or None if url else None
        self.warnings: list[str] = []
        self.dropped: Counter[str] = Counter()

    # ------------------------------------------------------------ pieces

    def _when(self, age: str | None) -> tuple[datetime | date | None, Precision]:
        found = parse_age_or_date(age, self.as_of) if age else None
        return found if found else (None, "unknown")

    def _noise(self, line: _Line) -> str | None:
        t = line.text
        role = _role(line)
        if role in ("noise", "noise_list"):
            return role
        if _DURATION.fullmatch(t):
            return "video-duration"
        if t.count("%") >= 3 and _URL_ENCODED.fullmatch(t):
            return "url-encoded markup"
        return None

    def _body(self, lines: list[_Line]) -> tuple[str, list[Caption]]:
        """Paragraphs (one per line, blank-line separated) and captions."""
        kept: list[_Line] = []
        captions: list[Caption] = []
        i = 0
        while i < len(lines):
            line, t = lines[i], lines[i].text
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            noise = self._noise(line)
            if noise:
                label = {"noise": f"'{t}' lines", "noise_list": f"'{t}' list"}.get(noise, f"{noise} lines")
                self.dropped[label] += 1
                i += 1
                if noise == "noise_list":  # and the newspaper names under it
                    while i < len(lines) and len(lines[i].text.split()) <= 4 and not _FINISHED.search(lines[i].text):
                        i += 1
                continue
            if t.endswith("|") and not line.cut and t[:-1].strip():
                credit = nxt.text if nxt is not None and _credit_like(nxt) else None
                captions.append(Caption(clean_line(t[:-1]), clean_line(credit) or None))
                i += 2 if credit else 1
                continue
            if not line.cut and _is_credit(t):
                after = lines[i + 2] if i + 2 < len(lines) else None
                if nxt is not None and after is not None and not after.cut and _same(nxt.text, after.text):
                    captions.append(Caption(clean_line(nxt.text), clean_line(t)))  # caption shown twice
                    i += 3
                else:
                    captions.append(Caption("", clean_line(t)))
                    i += 1
                continue
            m = None if line.cut else (_INLINE_CREDIT.search(t) or _PAREN_CREDIT.search(t))
            if m and t[: m.start()].strip():
                captions.append(Caption(clean_line(t[: m.start()]), clean_line(m.group("credit"))))
                i += 1
                continue
            kept.append(line)
            i += 1
        return self._paragraphs(kept), captions

    def _paragraphs(self, lines: list[_Line] | tuple[_Line, ...]) -> str:
        paragraphs = [ln.text for ln in lines]
        if paragraphs:
            paragraphs[-1] = _strip_trailer(paragraphs[-1])
        if lines and lines[-1].cut:
            paragraphs = _trim_cut(paragraphs, lines[-1].whole_words)
            self.warnings.append("text cut off")
        return clean("\n\n".join(p for p in paragraphs if p))

    def _article(self, block: _Block, extra_tags: tuple[str, ...] = ()) -> Article:
        published, precision = self._when(block.age)
        tags = [t for t in (clean_line(x) for x in (*block.tags, *extra_tags)) if t]
        return Article(
            title=clean_line(block.title),
            source=clean_line(block.source) or None,
            published=published,
            published_text=clean_line(block.age) or None,
            precision=precision,
            summary=self._paragraphs(block.summary) or None,
            tags=list(dict.fromkeys(tags)),
        )

    # ------------------------------------------------------------ related blocks

    def _blocks(self, start: int) -> list[_Block]:
        """The stories listed from ``start`` on (both layouts)."""
        region = [ln for ln in self.lines[start:] if _role(ln) not in ("chrome", "logo", "related", "hashtags")]
        anchors: list[tuple[int, str, bool]] = []
        for k in range(1, len(region)):
            found = None if region[k].cut else _age_line(region[k].text)
            if not found or not _source_like(region[k - 1].text) or (anchors and anchors[-1][0] == k - 1):
                continue
            after = region[k + 1] if k + 1 < len(region) else None
            if found[1] or after is None or _bullet(after.text) is not None:
                anchors.append((k, *found))
        # Where each story's own title line is (after the bullets).
        titles: list[int | None] = []
        for n, (k, _age, _prefixed) in enumerate(anchors):
            limit = anchors[n + 1][0] - 1 if n + 1 < len(anchors) else len(region)
            j = k + 1
            while j < limit and _bullet(region[j].text) is not None and not region[j].cut:
                j += 1
            titles.append(j if j < limit and _bullet(region[j].text) is None else None)
        # Where each story starts: layout A repeats the title above the source.
        starts: list[int] = []
        for n, (k, _age, _prefixed) in enumerate(anchors):
            previous, own = (titles[n - 1] if n else None), titles[n]
            low = (previous + 1 if previous is not None else anchors[n - 1][0] + 1) if n else 0
            ref = region[own].text if own is not None and not region[own].cut else None
            i = k - 2
            while i >= low and k - 2 - i < 3:
                if ref is None and i - 1 >= low and _same(region[i].text, region[i - 1].text):
                    ref = region[i].text
                if ref is None or not _same(region[i].text, ref):
                    break
                i -= 1
            starts.append(i + 1)
        if anchors and starts[0] > 0:
            self.warnings.append("lines before the first related story ignored")
        blocks: list[_Block] = []
        for n, (k, age, prefixed) in enumerate(anchors):
            end = starts[n + 1] if n + 1 < len(anchors) else len(region)
            source = region[k - 1].text
            bullets = [b for b in (_bullet(ln.text) for ln in region[k + 1 : (titles[n] or end)]) if b]
            tags = tuple(b for b in bullets if not _same(b, source))
            copies = [region[i] for i in range(starts[n], k - 1) if not region[i].cut]
            t = titles[n]
            if t is not None and not region[t].at_end:
                title = region[t].text
            elif copies:
                title = copies[0].text
            else:
                self.warnings.append("a related story cut off before its title was dropped")
                continue
            rest = list(region[t + 1 : end]) if t is not None else []
            trailing = None
            if n == len(anchors) - 1 and len(rest) >= 2 and rest[-1].cut:
                rest, trailing = rest[:1], rest[1:]
            blocks.append(_Block(title, source, age, tags, tuple(rest)))
            if trailing:
                blocks.extend(self._trailing_block(trailing, prefixed))
        return blocks

    def _trailing_block(self, tail: list[_Line], layout_a: bool) -> list[_Block]:
        """The start of a story cut off at the end: keep its title if whole."""
        if (
            layout_a
            and len(tail) >= 2
            and not tail[0].cut
            and (_same(tail[0].text, tail[1].text) or (tail[1].at_end and tail[0].text.startswith(tail[1].text)))
        ):
            self.warnings.append("a related story cut off after its title")
            return [_Block(tail[0].text)]
        self.warnings.append("a related story cut off before its title was dropped")
        return []

    # ------------------------------------------------------------ pages

    def _source_line(self, line: _Line, known: set[str], layout_a: bool) -> tuple[str | None, str | None] | None:
        """``(source, age)`` when ``line`` is the article's source line."""
        if line.cut or self._noise(line) or _is_credit(line.text):
            return None
        split = split_glued_age(line.text, known)
        if split is not None:
            source, age = split
            raw = line.text[: line.text.rfind(age)]
            if not source:
                return None, age
            plausible = (
                len(source) <= 60
                and len(source.split()) <= 8
                and source[-1] not in ".!?,;:"
                and (not raw[-1:].isspace() or all(w[:1].isupper() or not w[:1].isalpha() for w in source.split()))
            )
            if plausible or _norm(source) in known:
                return source, age
        t = line.text
        if (
            layout_a
            and len(t) <= 40
            and len(t.split()) <= 5
            and not _FINISHED.search(t)
            and t[-1] not in ":;,"
            and _readable(t)
            and not t[0].islower()
            and _DURATION.fullmatch(t) is None
        ):
            return t, None
        return None

    def read_daily8(self) -> ParsedDocument:
        lines = self.lines
        layout_a = _role(lines[0]) == "logo"
        i = 0
        while i < len(lines) and _role(lines[i]) in ("logo", "chrome"):
            i += 1
        head = lines[i].text if i < len(lines) else ""
        tag_m = _LISTING_TAG.fullmatch(head)
        src_m = None if tag_m else _LISTING_SOURCE.fullmatch(head)
        if tag_m or src_m:
            return self._listing(i, tag_m, src_m)
        if i >= len(lines) or _role(lines[i]) in _STOP_ROLES:
            return self._listing(i, None, None)
        title = lines[i]
        i += 1
        while i < len(lines) and (
            _same(lines[i].text, title.text) or (lines[i].cut and title.text.startswith(lines[i].text))
        ):
            i += 1
        stop = next((j for j in range(i, len(lines)) if _role(lines[j]) in _STOP_ROLES), len(lines))
        related_at = next((j for j in range(stop, len(lines)) if _role(lines[j]) == "related"), None)
        blocks = self._blocks(related_at + 1) if related_at is not None else []
        known = {_norm(b.source) for b in blocks if b.source} | {_norm(t) for b in blocks for t in b.tags}
        source = age = None
        if i < stop:
            found = self._source_line(lines[i], known, layout_a)
            if found is not None:
                source, age = found
                i += 1
        tags = self._hashtags(stop, related_at if related_at is not None else len(lines))
        body, captions = self._body(lines[i:stop])
        if title.cut:
            self.warnings.append("title cut off")
        published, precision = self._when(age)
        main = Article(
            title=clean_line(title.text),
            body=body,
            source=clean_line(source) or None,
            url=self.url,
            published=published,
            published_text=clean_line(age) or None,
            precision=precision,
            captions=captions,
            tags=tags,
            related=list(range(1, len(blocks) + 1)),
        )
        return self._document([main, *(self._article(b) for b in blocks)], main=0)

    def _hashtags(self, start: int, end: int) -> list[str]:
        tags: list[str] = []
        inside = False
        for line in self.lines[start:end]:
            role = _role(line)
            if role is not None:
                inside = role == "hashtags"
            elif inside and not line.cut:
                found = re.findall(r"#([^\s#]+)", line.text)
                tags.extend(found or ([line.text] if len(line.text.split()) <= 4 else []))
            else:
                self.dropped["unrecognised lines after the article"] += 1
        return list(dict.fromkeys(t for t in (clean_line(x) for x in tags) if t))

    def _listing(self, i: int, tag_m, src_m) -> ParsedDocument:
        heading = self.lines[i].text if (tag_m or src_m) else None
        blocks = self._blocks(i + 1 if heading else i)
        hashtag = clean_line(tag_m.group("rest").lstrip("#")) if tag_m else ""
        articles = [self._article(b, (hashtag,) if hashtag else ()) for b in blocks]
        if not articles:
            raise ParseError("no readable text: a listing page with no complete story")
        if heading is None:
            self.warnings.append("page has no title of its own: read as a listing")
        doc = self._document(articles, main=None)
        doc.feed_title = clean_line(heading) or None
        return doc

    def read_plain(self) -> ParsedDocument:
        self.warnings.append("not a recognisable Daily8 page: read as plain text")
        lines = self.lines
        i = 0
        while i < len(lines) - 1 and (
            not _readable(lines[i].text) or _norm(lines[i].text) in _PLAIN_CHROME or _DATE_LINE.fullmatch(lines[i].text)
        ):
            i += 1
        title = lines[i].text
        rest = lines[i + 1 :]
        if len(title) > _TITLE_MAX:  # a paragraph, not a headline: keep it in the body too
            rest = [lines[i], *rest]
            end = _first_sentence_end(title[:_TITLE_MAX])
            title = title[:end] if end else title[:_TITLE_MAX].rsplit(None, 1)[0] + "…"
        if lines[i].cut:
            self.warnings.append("title cut off")
        body, captions = self._body(rest)
        article = Article(title=clean_line(title), body=body, url=self.url, captions=captions)
        return self._document([article], main=0)

    def _document(self, articles: list[Article], main: int | None) -> ParsedDocument:
        if self.dropped:
            what = ", ".join(f"{k} ×{v}" for k, v in sorted(self.dropped.items()))
            self.warnings.append(clean_line(f"dropped: {what}"))
        return ParsedDocument(
            format="page-dump", articles=articles, main=main, warnings=list(dict.fromkeys(self.warnings))
        )


def _looks_like_daily8(lines: list[_Line]) -> bool:
    if _role(lines[0]) == "logo" or _LISTING_TAG.fullmatch(lines[0].text) or _LISTING_SOURCE.fullmatch(lines[0].text):
        return True
    if any(_role(ln) in _STOP_ROLES for ln in lines):
        return True
    return any(
        _age_line(lines[k].text) and _source_like(lines[k - 1].text) and _bullet(lines[k + 1].text)
        for k in range(1, len(lines) - 1)
    )


# Characters no text file holds more than a few of: C0 controls other than
# the whitespace ones, DEL, C1, and the replacement character left by bytes
# that decode to nothing.
_JUNK = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")


def _looks_binary(text: str) -> bool:
    """An image, an archive or random bytes, not a page someone copied."""
    head = text[:4096]
    junk = len(_JUNK.findall(head))
    return junk >= 8 and junk * 10 > len(head)


def parse(data: bytes, *, as_of: datetime | None = None, url: str | None = None) -> ParsedDocument:
    """Parse an aggregator page dump (or any plain text) into articles.

    ``as_of`` is the moment the page was copied (relative ages count back
    from it; None means now, naive means UTC). Raises :class:`ParseError`
    only when there is no readable text.
    """
    warnings: list[str] = []
    text, ended_mid_char = _decode(bytes(data), warnings)
    if _looks_binary(text):
        raise ParseError("binary data, not text")
    lines = _split_lines(text, ended_mid_char)
    lines = [ln for ln in lines if ln.text]
    if not any(_readable(ln.text) for ln in lines):
        raise ParseError("no readable text")
    if as_of is None:
        as_of = datetime.now(UTC)
    elif as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    reader = _Reader(lines, as_of, url)
    reader.warnings.extend(warnings)
    if _looks_like_daily8(lines):
        if all(_role(ln) is not None or not _readable(ln.text) or _norm(ln.text) in _PLAIN_CHROME for ln in lines):
            raise ParseError("no readable text")
        return reader.read_daily8()
    return reader.read_plain()
