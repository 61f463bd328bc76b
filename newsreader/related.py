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

from .store.cache import Cache
from .store.records import RelatedRow
from .textnorm import content_terms

#: Articles further apart than this are not "the same story".
SAME_STORY_WINDOW = 4 * 24 * 3600
_CANDIDATES = 60
#: Cosine similarity (TF-IDF of title and lede) above which two articles from
#: different sources tell the same story, and above which they are "similar".
SAME_STORY_SCORE = 0.14
SIMILAR_SCORE = 0.06


def term_weights(title: str, lede: str) -> Counter[str]:
    """Term counts with the title counted three times: headlines name the event."""
    counts: Counter[str] = Counter(content_terms(lede))
    for term in content_terms(title):
        counts[term] += 3
    return counts


def _idf(total: int, freq: dict[str, int], term: str) -> float:
    return math.log((total + 1) / (freq.get(term, 0) + 0.5))


def _vector(counts: Counter[str], total: int, freq: dict[str, int]) -> dict[str, float]:
    vec = {t: (1 + math.log(c)) * _idf(total, freq, t) for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def related_stories(cache: Cache, article_id: int, *, limit: int = 20) -> list[RelatedRow]:
    """Same-story articles, then the page's own links, then similar ones."""
    page = cache.page_related(article_id)
    texts = cache.story_texts([article_id])
    if article_id not in texts:
        return page
    title, lede, source_id, published_ts = texts[article_id]
    counts = term_weights(title, lede)
    if not counts:
        return page
    total, freq = cache.document_frequencies(sorted(counts))
    # Query with the rarest terms: they find the same story fastest.
    ranked_terms = sorted(counts, key=lambda t: (-_idf(total, freq, t) * counts[t], t))[:14]
    match = " OR ".join('"' + t.replace('"', '""') + '"' for t in ranked_terms)
    candidate_ids = [i for i, _ in cache.fts_match(match, limit=_CANDIDATES, exclude=article_id)]
    # A page link can also be the same story: it is then listed as such.
    page_by_id = {r.id: r for r in page}
    candidate_ids = list(dict.fromkeys([*candidate_ids, *page_by_id]))
    candidates = cache.story_texts(candidate_ids)
    other_counts = {cid: term_weights(c[0], c[1]) for cid, c in candidates.items()}
    extra_terms = sorted({t for c in other_counts.values() for t in c} - set(counts))
    if extra_terms:
        freq.update(cache.document_frequencies(extra_terms)[1])
    mine = _vector(counts, total, freq)
    title_terms = set(content_terms(title))
    same: list[tuple[float, int, str]] = []
    similar: list[tuple[float, int, str]] = []
    for cid in candidate_ids:
        if cid not in candidates:
            continue
        c_title, _c_lede, c_source, c_ts = candidates[cid]
        theirs = _vector(other_counts[cid], total, freq)
        shared = set(mine) & set(theirs)
        score = sum(mine[t] * theirs[t] for t in shared)
        title_shared = title_terms & set(content_terms(c_title))
        best = sorted(shared, key=lambda t: -(mine[t] * theirs[t]))[:3]
        close_in_time = published_ts is None or c_ts is None or abs(published_ts - c_ts) <= SAME_STORY_WINDOW
        if c_source != source_id and close_in_time and score >= SAME_STORY_SCORE and title_shared:
            same.append((score, cid, ", ".join(best)))
        elif score >= SIMILAR_SCORE and len(shared) >= 2 and cid not in page_by_id:
            similar.append((score, cid, ", ".join(best)))
    same.sort(key=lambda x: -x[0])
    similar.sort(key=lambda x: -x[0])
    same_ids = {cid for _, cid, _ in same}
    page = [r for r in page if r.id not in same_ids]
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
