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
from dataclasses import dataclass
from datetime import date, datetime, timezone

from ..models import Article, Caption, ParsedDocument, ParseError, Precision
from ..sanitize import clean, clean_line
from .ages import parse_age_or_date, split_glued_age

__all__ = ["parse", "VOCABULARY"]

#: The app's own words, by language and role. Roles: ``logo`` (first line of
#: layout A), ``hashtags`` (heads the article's hashtag list), ``related``
#: (heads the related stories), ``chrome`` (app lines dropped wherever they
#: are), ``chrome_prefix`` (lines starting so are chrome), ``time_prefix``
#: (glued before a related story's age), ``listing_tag`` / ``listing_source``
#: (the heading of a hashtag or source page), ``noise`` (body lines dropped),
#: ``noise_list`` (heads a list of names dropped with it) and ``trailer``
#: (removed from the end of a summary). The Arabic download-app lines are
#: guesses: the corpus never reaches them.
VOCABULARY: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "logo": ("logo",),
        "hashtags": ("hashtags",),
        "related": ("related articles", "related news", "related stories"),
        "chrome": (
            "orange background", "try our ai features", "explore what daily8 ai can do for you:",
            "comments", "no comments yet...", "download the app", "get started now: download the app",
            "app-storeplay-store", "app-store", "play-store", "#",
        ),
        "chrome_prefix": ("ready to dive into the world of", "get started now:"),
        "time_prefix": ("time",),
        "listing_tag": ("latest news with",),
        "listing_source": ("latest from",),
        "noise": (
            "advertisement", "show more", "read more", "this is a twitter status",
            "copy the story link", "click to expand", "skip advert",
        ),
        "noise_list": ("related internet links",),
        "trailer": ("copy the story link",),
    },
    "ar": {
        "logo": ("شعار",),
        "hashtags": ("هاشتاغز", "هاشتاغ", "هاشتاجز", "الوسوم"),
        "related": ("أخبار ذات صلة", "مقالات ذات صلة"),
        "chrome": (
            "خلفية برتقالية", "جرب ميزات الذكاء الاصطناعي لدينا",
            "اكتشف ما يمكن أن يفعله daily8 ai من أجلك:", "التعليقات",
            "لا يوجد تعليقات بعد...", "لا توجد تعليقات بعد...",
            "حمل التطبيق", "تحميل التطبيق", "نزل التطبيق",
            "ابدأ الآن: حمل التطبيق", "ابدأ الآن: قم بتحميل التطبيق", "ابدأ الآن: نزل التطبيق",
        ),
        "chrome_prefix": ("هل أنت مستعد للغوص", "هل انت مستعد للغوص", "ابدأ الآن:"),
        "time_prefix": ("الوقت",),
        "listing_tag": ("آخر الأخبار مع", "أحدث الأخبار مع"),
        "listing_source": ("آخر الأخبار من", "أحدث الأخبار من", "الأحدث من"),
        "noise": ("إعلان", "اقرأ المزيد", "اقرأ أيضا", "عرض المزيد", "انسخ رابط القصة"),
        "noise_list": ("روابط ذات صلة",),
        "trailer": ("انسخ رابط القصة",),
    },
}

_AR_MARKS = re.compile("[\u064b-\u0652\u0640]")
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")


def _norm(text: str) -> str:
    """Comparison form: no Arabic diacritics, one ellipsis style, casefolded."""
    text = _AR_MARKS.sub("", text).replace("\u2026", "...")
    return " ".join(text.split()).casefold()


def _phrases(role: str) -> tuple[str, ...]:
    return tuple(_norm(p) for table in VOCABULARY.values() for p in table.get(role, ()))


_EXACT: dict[str, str] = {}
for _role_name in ("logo", "hashtags", "related", "chrome", "noise", "noise_list"):
    for _phrase in _phrases(_role_name):
        _EXACT.setdefault(_phrase, _role_name)
_CHROME_PREFIXES = _phrases("chrome_prefix")
_TIME_PREFIXES = _phrases("time_prefix")
_STOP_ROLES = ("hashtags", "related", "chrome")


def _prefix_regex(role: str) -> re.Pattern[str]:
    alts = "|".join(r"\s+".join(map(re.escape, p.split())) for p in _phrases(role))
    return re.compile(rf"\s*(?:{alts})\s*(?P<rest>.+)", re.I)


_LISTING_TAG = _prefix_regex("listing_tag")
_LISTING_SOURCE = _prefix_regex("listing_source")
_TRAILER = re.compile(
    "(?:%s)\\Z" % "|".join(r"\s+".join(map(re.escape, p.split())) for p in _phrases("trailer")), re.I
)

_BULLET = re.compile(r"[•·▪◦‣●*\-–]\s+(?P<text>\S.*)")
_DURATION = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_URL_ENCODED = re.compile(r"(?:[A-Za-z0-9._~!*'()+-]|%[0-9A-Fa-f]{2})+")
_SENTENCE_END = re.compile(r"[.!?؟…](?:['\"’”)\]]+)?(?=\s)")
_FINISHED = re.compile(r"[.!?؟…'\"’”)\]]\Z")
_ABBREVIATION = re.compile(
    r"(?:[A-Za-z]\.)+|(?:mr|mrs|ms|dr|st|jr|sr|vs|no|gov|sen|rep|gen|lt|col|sgt|inc|co|corp|ltd|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|approx|est|dept|univ)\.",
    re.I,
)
_STOCK_CREDITS = {"pexels", "unsplash", "pixabay", "shutterstock", "getty images", "istock",
                  "afp", "reuters", "ap", "supplied", "handout", "file photo", "alamy"}
# Agency initials only in capitals ("AP", not "ap"); the rest in any case.
_CREDIT_WORDS = re.compile(
    r"\b(?:AP Photo|AFP|EPA|PA)\b|(?i:getty images|reuters|shutterstock|istock|alamy|pexels|unsplash|pixabay"
    r"|\bphoto(?:graph)?s?\s*(?:by\b|:|/)|\bimage\s*(?:by\b|:|/)|\bcredit\s*:|\bcourtesy\b)",
)
_INLINE_CREDIT = re.compile(
    r"(?<=[.!?'\"’”)])\s+(?:Photos?|Photograph|Picture|Image|Video)\s*[/:]\s*(?P<credit>[^.!?]{2,80}?)\s*\Z"
)
_PAREN_CREDIT = re.compile(r"\((?P<credit>(?:AP|AFP|EPA|Reuters)\b[^()]{0,80})\)\Z")
_DATE_LINE = re.compile(
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:\d{1,2}\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?",
    re.I,
)
_PLAIN_CHROME = {"view this email in your browser", "archives", "skip to content", "menu", "home",
                 "logo", "advertisement", "share", "subscribe", "sign in", "log in"}
_TITLE_MAX = 200


@dataclass(slots=True)
class _Line:
    """One non-blank line. ``at_end``: the document ends inside it (no final
    line break); ``cut``: and it does not look finished, so it was cut off."""

    text: str
    cut: bool = False
    at_end: bool = False
    whole_words: bool = False  # cut right after a space: the last word is whole


@dataclass(slots=True)
class _Block:
    """One related / listed story as the page lays it out."""

    title: str
    source: str | None = None
    age: str | None = None
    tags: tuple[str, ...] = ()
    summary: tuple[_Line, ...] = ()


def _whole_role(text: str) -> str | None:
    n = _norm(text)
    return _EXACT.get(n) or ("chrome" if n.startswith(_CHROME_PREFIXES) else None)


def _role(line: _Line) -> str | None:
    role = _whole_role(line.text)
    if role is None and line.cut:
        # A boilerplate line cut off by the end of the document is still boilerplate.
        n = _norm(line.text)
        if len(n) >= 4 and any(p.startswith(n) for p in (*_EXACT, *_CHROME_PREFIXES)):
            return "chrome"
    return role


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _readable(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _bullet(text: str) -> str | None:
    m = _BULLET.fullmatch(text)
    return m.group("text").strip() if m else None


def _age_line(text: str) -> tuple[str, bool] | None:
    """``(age_text, had_time_prefix)`` for a line that is only an age or date."""
    if len(text) > 64:
        return None
    folded = text.casefold()
    for prefix in _TIME_PREFIXES:
        rest = text[len(prefix):].strip()
        if folded.startswith(prefix) and rest and parse_age_or_date(rest, None):
            return rest, True
    return (text, False) if parse_age_or_date(text, None) else None


def _source_like(text: str) -> bool:
    return (len(text) <= 80 and len(text.split()) <= 10 and text[-1] not in ".!?"
            and _bullet(text) is None and _age_line(text) is None)


def _is_credit(text: str) -> bool:
    """A standalone photo-credit line: ``PEXELS``, ``Name/Getty Images``."""
    if len(text) > 80 or len(text.split()) > 10 or text[-1] in ".!?:;,":
        return False
    return text.casefold() in _STOCK_CREDITS or bool(_CREDIT_WORDS.search(text))


def _credit_like(line: _Line) -> bool:
    t = line.text
    return not line.cut and len(t) <= 80 and len(t.split()) <= 10 and t[-1] not in ".!?"


def _sentence_ends(text: str):
    """Offsets just past each sentence end (not after "U.S." or "Mr.")."""
    for m in _SENTENCE_END.finditer(text):
        # The word the dot ends (abbreviations are short: a bounded look back).
        word = text[max(0, m.start() - 24): m.start() + 1].rsplit(None, 1)[-1]
        if not _ABBREVIATION.fullmatch(word.lstrip("('\"‘“")):
            yield m.end()


def _last_sentence_end(text: str) -> int | None:
    end = None
    for end in _sentence_ends(text):
        pass
    return end


def _first_sentence_end(text: str) -> int | None:
    return next(_sentence_ends(text), None)


def _trim_cut(paragraphs: list[str], whole_words: bool = False) -> list[str]:
    """Trim the last paragraph of a cut-off text to what is whole."""
    last = paragraphs[-1]
    end = _last_sentence_end(last)
    if end is not None and end >= 0.3 * len(last):
        return paragraphs[:-1] + [last[:end].rstrip()]
    if len(paragraphs) > 1 and len(last) < 200:
        return paragraphs[:-1]
    words = last if whole_words else last.rsplit(None, 1)[0] if len(last.split()) > 1 else ""
    return paragraphs[:-1] + ([words.rstrip(" ,;:-–—") + "…"] if words else [])


def _strip_trailer(text: str) -> str:
    m = _TRAILER.search(text)
    return text[: m.start()].rstrip() if m and m.start() > 0 else text


def _decode(data: bytes, warnings: list[str]) -> tuple[str, bool]:
    """Text and whether the bytes ended inside a character."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), False
    elif len(data) >= 4 and data.count(0) * 3 >= len(data):
        odd = data[1::2].count(0) >= data[0::2].count(0)
        warnings.append("no byte-order mark: read as UTF-16")
        return data.decode("utf-16-le" if odd else "utf-16-be", errors="replace"), False
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            warnings.append("dropped an incomplete character at the end")
            return data[: exc.start].decode("utf-8"), True
    multibyte = len(re.findall(rb"[\xc2-\xf4][\x80-\xbf]+", data))
    replaced = data.decode("utf-8", errors="replace")
    if multibyte > replaced.count("\ufffd"):
        warnings.append("invalid UTF-8 bytes replaced")
        return replaced, False
    try:
        text = data.decode("cp1252")
        warnings.append("not UTF-8: read as Windows-1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        warnings.append("not UTF-8: read as Latin-1")
    return text, False


def _split_lines(text: str, ended_mid_char: bool) -> list[_Line]:
    text = clean(text)  # also turns CR, CRLF and U+2028/9 into LF
    lines = [_Line(t) for t in (_INVISIBLE.sub("", raw).strip() for raw in text.split("\n")) if t]
    last_raw = _INVISIBLE.sub("", text.rsplit("\n", 1)[-1]).strip()
    if lines and last_raw:  # the document does not end with a line break
        last = lines[-1]
        last.at_end = True
        last.whole_words = text[-1:].isspace()
        if ended_mid_char or not _FINISHED.search(last.text):
            last.cut = _whole_role(last.text) is None
    return lines


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
            low = (titles[n - 1] + 1 if titles[n - 1] is not None else anchors[n - 1][0] + 1) if n else 0
            ref = region[titles[n]].text if titles[n] is not None and not region[titles[n]].cut else None
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
            bullets = [b for b in (_bullet(ln.text) for ln in region[k + 1:(titles[n] or end)]) if b]
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
            rest = list(region[t + 1:end]) if t is not None else []
            trailing = None
            if n == len(anchors) - 1 and len(rest) >= 2 and rest[-1].cut:
                rest, trailing = rest[:1], rest[1:]
            blocks.append(_Block(title, source, age, tags, tuple(rest)))
            if trailing:
                blocks.extend(self._trailing_block(trailing, prefixed))
        return blocks

    def _trailing_block(self, tail: list[_Line], layout_a: bool) -> list[_Block]:
        """The start of a story cut off at the end: keep its title if whole."""
        if layout_a and len(tail) >= 2 and not tail[0].cut and (
            _same(tail[0].text, tail[1].text) or (tail[1].at_end and tail[0].text.startswith(tail[1].text))
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
            plausible = (len(source) <= 60 and len(source.split()) <= 8 and source[-1] not in ".!?,;:"
                         and (not raw[-1:].isspace() or all(w[:1].isupper() or not w[:1].isalpha() for w in source.split())))
            if plausible or _norm(source) in known:
                return source, age
        t = line.text
        if layout_a and len(t) <= 40 and len(t.split()) <= 5 and not _FINISHED.search(t) and t[-1] not in ":;," \
                and _readable(t) and not t[0].islower() and _DURATION.fullmatch(t) is None:
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
        while i < len(lines) and (_same(lines[i].text, title.text)
                                  or (lines[i].cut and title.text.startswith(lines[i].text))):
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
            title=clean_line(title.text), body=body, source=clean_line(source) or None, url=self.url,
            published=published, published_text=clean_line(age) or None, precision=precision,
            captions=captions, tags=tags, related=list(range(1, len(blocks) + 1)),
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
        while i < len(lines) - 1 and (not _readable(lines[i].text) or _norm(lines[i].text) in _PLAIN_CHROME
                                      or _DATE_LINE.fullmatch(lines[i].text)):
            i += 1
        title = lines[i].text
        rest = lines[i + 1:]
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
        return ParsedDocument(format="page-dump", articles=articles, main=main,
                              warnings=list(dict.fromkeys(self.warnings)))


def _looks_like_daily8(lines: list[_Line]) -> bool:
    if _role(lines[0]) == "logo" or _LISTING_TAG.fullmatch(lines[0].text) or _LISTING_SOURCE.fullmatch(lines[0].text):
        return True
    if any(_role(ln) in _STOP_ROLES for ln in lines):
        return True
    return any(
        _age_line(lines[k].text) and _source_like(lines[k - 1].text) and _bullet(lines[k + 1].text)
        for k in range(1, len(lines) - 1)
    )


def parse(data: bytes, *, as_of: datetime | None = None, url: str | None = None) -> ParsedDocument:
    """Parse an aggregator page dump (or any plain text) into articles.

    ``as_of`` is the moment the page was copied (relative ages count back
    from it; None means now, naive means UTC). Raises :class:`ParseError`
    only when there is no readable text.
    """
    warnings: list[str] = []
    text, ended_mid_char = _decode(bytes(data), warnings)
    lines = _split_lines(text, ended_mid_char)
    lines = [ln for ln in lines if ln.text]
    if not any(_readable(ln.text) for ln in lines):
        raise ParseError("no readable text")
    if as_of is None:
        as_of = datetime.now(timezone.utc)
    elif as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=timezone.utc)
    reader = _Reader(lines, as_of, url)
    reader.warnings.extend(warnings)
    if _looks_like_daily8(lines):
        if all(_role(ln) is not None or not _readable(ln.text) for ln in lines):
            raise ParseError("no readable text")
        return reader.read_daily8()
    return reader.read_plain()
