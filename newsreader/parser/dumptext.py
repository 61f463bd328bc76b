"""The text side of page dumps: the app's vocabulary, decoding, line roles,
sentence trimming and credit detection. :mod:`newsreader.parser.dump` uses
these to read a page's structure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsreader.core.sanitize import clean
from newsreader.parser.ages import parse_age_or_date

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
            "orange background",
            "try our ai features",
            "explore what daily8 ai can do for you:",
            "comments",
            "no comments yet...",
            "download the app",
            "get started now: download the app",
            "app-storeplay-store",
            "app-store",
            "play-store",
            "#",
        ),
        "chrome_prefix": ("ready to dive into the world of", "get started now:"),
        "time_prefix": ("time",),
        "listing_tag": ("latest news with",),
        "listing_source": ("latest from",),
        "noise": (
            "advertisement",
            "show more",
            "read more",
            "this is a twitter status",
            "copy the story link",
            "click to expand",
            "skip advert",
        ),
        "noise_list": ("related internet links",),
        "trailer": ("copy the story link",),
    },
    "ar": {
        "logo": ("شعار",),
        "hashtags": ("هاشتاغز", "هاشتاغ", "هاشتاجز", "الوسوم"),
        "related": ("أخبار ذات صلة", "مقالات ذات صلة"),
        "chrome": (
            "خلفية برتقالية",
            "جرب ميزات الذكاء الاصطناعي لدينا",
            "اكتشف ما يمكن أن يفعله daily8 ai من أجلك:",
            "التعليقات",
            "لا يوجد تعليقات بعد...",
            "لا توجد تعليقات بعد...",
            "حمل التطبيق",
            "تحميل التطبيق",
            "نزل التطبيق",
            "ابدأ الآن: حمل التطبيق",
            "ابدأ الآن: قم بتحميل التطبيق",
            "ابدأ الآن: نزل التطبيق",
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
_TRAILER = re.compile("(?:%s)\\Z" % "|".join(r"\s+".join(map(re.escape, p.split())) for p in _phrases("trailer")), re.I)

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
_STOCK_CREDITS = {
    "pexels",
    "unsplash",
    "pixabay",
    "shutterstock",
    "getty images",
    "istock",
    "afp",
    "reuters",
    "ap",
    "supplied",
    "handout",
    "file photo",
    "alamy",
}
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
_PLAIN_CHROME = {
    "view this email in your browser",
    "archives",
    "skip to content",
    "menu",
    "home",
    "logo",
    "advertisement",
    "share",
    "subscribe",
    "sign in",
    "log in",
}
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
        rest = text[len(prefix) :].strip()
        if folded.startswith(prefix) and rest and parse_age_or_date(rest, None):
            return rest, True
    return (text, False) if parse_age_or_date(text, None) else None


def _source_like(text: str) -> bool:
    return (
        len(text) <= 80
        and len(text.split()) <= 10
        and text[-1] not in ".!?"
        and _bullet(text) is None
        and _age_line(text) is None
    )


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
        word = text[max(0, m.start() - 24) : m.start() + 1].rsplit(None, 1)[-1]
        if not _ABBREVIATION.fullmatch(word.lstrip("('\"‘“")):
            yield m.end()


def _last_sentence_end(text: str) -> int | None:
    ends = list(_sentence_ends(text))
    return ends[-1] if ends else None


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
