"""Which stories are related to an article, and why.

Three kinds, in the order the sidebar shows them:

- ``same-story``: another source telling the same event (many rare words in
  common, most of them in the titles, published close together);
- ``page``: the article's own page listed it in its related block;
- ``similar``: a close story, with the shared terms as the reason.

This module decides; the cache only answers questions (FTS matches, term
frequencies, short texts), so no SQL lives here.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from .store.cache import Cache
from .store.records import RelatedRow
from .textnorm import content_terms

#: Articles further apart than this are not "the same story".
SAME_STORY_WINDOW = 4 * 24 * 3600
_CANDIDATES = 60


@dataclass(frozen=True, slots=True)
class Signature:
    title_terms: frozenset[str]
    terms: frozenset[str]


def signature(title: str, lede: str) -> Signature:
    title_terms = frozenset(content_terms(title))
    lede_terms = [t for t, _ in Counter(content_terms(lede)).most_common(25)]
    return Signature(title_terms, title_terms | frozenset(lede_terms))


def _idf(total: int, freq: dict[str, int], term: str) -> float:
    return math.log((total + 1) / (freq.get(term, 0) + 0.5))


def related_stories(cache: Cache, article_id: int, *, limit: int = 20) -> list[RelatedRow]:
    """Same-story articles, then the page's own links, then similar ones."""
    page = cache.page_related(article_id)
    texts = cache.story_texts([article_id])
    if article_id not in texts:
        return page
    title, lede, source_id, published_ts = texts[article_id]
    sig = signature(title, lede)
    if not sig.terms:
        return page
    total, freq = cache.document_frequencies(sorted(sig.terms))
    # Query with the rarest terms: they find the same story fastest.
    ranked_terms = sorted(sig.terms, key=lambda t: (-_idf(total, freq, t), t))[:12]
    match = " OR ".join('"' + t.replace('"', '""') + '"' for t in ranked_terms)
    candidate_ids = [i for i, _ in cache.fts_match(match, limit=_CANDIDATES, exclude=article_id)]
    page_ids = {r.id for r in page}
    candidate_ids = [i for i in candidate_ids if i not in page_ids]
    candidates = cache.story_texts(candidate_ids)
    same: list[tuple[float, int, str]] = []
    similar: list[tuple[float, int, str]] = []
    for cid in candidate_ids:
        if cid not in candidates:
            continue
        c_title, c_lede, c_source, c_ts = candidates[cid]
        other = signature(c_title, c_lede)
        shared = sig.terms & other.terms
        if not shared:
            continue
        weight = sum(_idf(total, freq, t) for t in shared)
        title_shared = sig.title_terms & other.title_terms
        title_overlap = len(title_shared) / max(1, min(len(sig.title_terms), len(other.title_terms)))
        close_in_time = published_ts is None or c_ts is None or abs(published_ts - c_ts) <= SAME_STORY_WINDOW
        best = sorted(shared, key=lambda t: (-_idf(total, freq, t), t))[:3]
        if c_source != source_id and close_in_time and (
            (title_overlap >= 0.5 and len(title_shared) >= 2) or (len(shared) >= 6 and len(title_shared) >= 2)
        ):
            same.append((weight + 10 * title_overlap, cid, ", ".join(best)))
        elif len(shared) >= 3 and weight >= 8.0:
            similar.append((weight, cid, ", ".join(best)))
    same.sort(key=lambda x: -x[0])
    similar.sort(key=lambda x: -x[0])
    rows = {r.id: r for r in cache.headlines_by_ids([cid for _, cid, _ in same + similar])}
    out: list[RelatedRow] = []
    for reason, group in (("same-story", same), ("similar", similar)):
        for _score, cid, detail in group:
            h = rows.get(cid)
            if h is None:
                continue
            out.append(
                RelatedRow(
                    id=h.id, title=h.title, source=h.source, published=h.published, precision=h.precision,
                    published_text=h.published_text, reason=reason, detail=detail,
                    summary_only=h.summary_only, is_read=h.is_read,
                )
            )
        if reason == "same-story":
            out.extend(page)
    return out[: max(limit, len(page))]
