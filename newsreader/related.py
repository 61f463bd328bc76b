"""Which stories are related to an article, and why.

Three kinds, in the order the sidebar shows them:

- ``same-story``: the other members of the article's story (another outlet
  telling the same event, see :mod:`newsreader.clustering`), oldest first: a
  timeline of the coverage;
- ``page``: the article's own page listed it in its related block;
- ``similar``: a close story, with the shared terms as the reason.

This module decides; the cache only answers questions (story members, FTS
matches, term frequencies, short texts), so no SQL lives here.
"""

from __future__ import annotations

import math
from collections import Counter

from .store.cache import Cache
from .store.records import RelatedRow
from .store.stories import story_of_article
from .textnorm import content_terms

_CANDIDATES = 60
#: Cosine similarity (TF-IDF of title and lede) above which an article that
#: is not in the same story is "similar".
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
    story = story_of_article(cache.connection(), article_id)
    same_ids = [m.id for m in story.members if m.id != article_id] if story else []
    same = _same_story_rows(cache, same_ids)
    in_story = set(same_ids)
    page = [r for r in page if r.id not in in_story]
    texts = cache.story_texts([article_id])
    if article_id not in texts:
        return same + page
    title, lede, _source_id, _published_ts = texts[article_id]
    counts = term_weights(title, lede)
    if not counts:
        return same + page
    total, freq = cache.document_frequencies(sorted(counts))
    # Query with the rarest terms: they find the closest stories fastest.
    ranked_terms = sorted(counts, key=lambda t: (-_idf(total, freq, t) * counts[t], t))[:14]
    match = " OR ".join('"' + t.replace('"', '""') + '"' for t in ranked_terms)
    excluded = {*same_ids, *(r.id for r in page)}
    candidate_ids = [
        i for i, _ in cache.fts_match(match, limit=_CANDIDATES, exclude=article_id) if i not in excluded
    ]
    candidates = cache.story_texts(candidate_ids)
    other_counts = {cid: term_weights(c[0], c[1]) for cid, c in candidates.items()}
    extra_terms = sorted({t for c in other_counts.values() for t in c} - set(counts))
    if extra_terms:
        freq.update(cache.document_frequencies(extra_terms)[1])
    mine = _vector(counts, total, freq)
    similar: list[tuple[float, int, str]] = []
    for cid in candidate_ids:
        if cid not in candidates:
            continue
        theirs = _vector(other_counts[cid], total, freq)
        shared = set(mine) & set(theirs)
        score = sum(mine[t] * theirs[t] for t in shared)
        best = sorted(shared, key=lambda t: -(mine[t] * theirs[t]))[:3]
        if score >= SIMILAR_SCORE and len(shared) >= 2:
            similar.append((score, cid, ", ".join(best)))
    similar.sort(key=lambda x: -x[0])
    rows = {r.id: r for r in cache.headlines_by_ids([cid for _, cid, _ in similar])}
    out: list[RelatedRow] = same + page
    for _score, cid, detail in similar:
        h = rows.get(cid)
        if h is not None:
            out.append(
                RelatedRow(
                    id=h.id, title=h.title, source=h.source, published=h.published, precision=h.precision,
                    published_text=h.published_text, reason="similar", detail=detail,
                    summary_only=h.summary_only, is_read=h.is_read,
                )
            )
    return out[: max(limit, len(same) + len(page))]


def _same_story_rows(cache: Cache, ids: list[int]) -> list[RelatedRow]:
    """The story's other members as sidebar rows, in the story's (time) order."""
    rows = {h.id: h for h in cache.headlines_by_ids(ids)}
    return [
        RelatedRow(
            id=h.id, title=h.title, source=h.source, published=h.published, precision=h.precision,
            published_text=h.published_text, reason="same-story", detail=None,
            summary_only=h.summary_only, is_read=h.is_read,
        )
        for h in (rows.get(i) for i in ids)
        if h is not None
    ]
