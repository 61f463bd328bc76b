"""Which stories are related to an article, and why.

Three kinds, in the order the sidebar shows them:

- ``same-story``: the other members of the article's story (another outlet
  telling the same event, see :mod:`newsreader.stories.clustering`), oldest first: a
  timeline of the coverage;
- ``page``: the article's own page listed it in its related block;
- ``similar``: a close story, with the shared terms as the reason.

This module decides; the store only answers questions (story members, page
links, signatures and their posting lists), so no SQL lives here.
"""

from __future__ import annotations

from newsreader.store.cache import Cache
from newsreader.store.records import HeadlineRow, RelatedRow
from newsreader.store.similar import posting_neighbours, signature_of, signatures
from newsreader.store.story_rows import story_of_article
from newsreader.stories import clustering
from newsreader.stories.signature import Signature

#: Candidates compared in full (their signatures are read by key).
_CANDIDATES = 40
#: Cosine similarity of two articles' signatures (TF-IDF of title and lede,
#: see :mod:`newsreader.stories.clustering`) from which one that is not in the same
#: story is "similar"; a story's own members score above
#: :data:`~newsreader.stories.clustering.JOIN_SCORE`.
SIMILAR_SCORE = 0.08
#: Shared features needed besides the score: one rare word in common is chance.
SIMILAR_MIN_SHARED = 2


def related_stories(cache: Cache, article_id: int, *, limit: int = 20) -> list[RelatedRow]:
    """Same-story articles, then the page's own links, then similar ones."""
    conn = cache.connection()
    page = cache.page_related(article_id)
    story = story_of_article(conn, article_id)
    same_ids = [m.id for m in story.members if m.id != article_id] if story else []
    same = _same_story_rows(cache, same_ids)
    in_story = set(same_ids)
    page = [r for r in page if r.id not in in_story]
    excluded = {article_id, *same_ids, *(r.id for r in page)}
    similar = _similar(conn, article_id, excluded)
    rows = {r.id: r for r in cache.headlines_by_ids([cid for _, cid, _ in similar])}
    out: list[RelatedRow] = same + page
    for _score, cid, detail in similar:
        h = rows.get(cid)
        if h is not None:
            out.append(_row(h, "similar", detail))
    return out[: max(limit, len(same) + len(page))]


def _similar(conn, article_id: int, excluded: set[int]) -> list[tuple[float, int, str]]:
    """(score, id, shared terms) of the closest other articles, best first.

    Candidates come from the clustering's posting lists, newest first, so
    among equally close stories the recent ones are found."""
    mine = signature_of(conn, article_id)
    if mine is None or not mine.vector:
        return []
    candidates = [
        i for i in posting_neighbours(conn, article_id, mine, limit=_CANDIDATES + len(excluded)) if i not in excluded
    ][:_CANDIDATES]
    found: list[tuple[float, int, str]] = []
    for cid, theirs in signatures(conn, candidates).items():
        if len(mine.vector.keys() & theirs.vector.keys()) < SIMILAR_MIN_SHARED:
            continue
        score = clustering.similarity(mine, theirs)
        if score >= SIMILAR_SCORE:
            found.append((score, cid, _reason(mine, theirs)))
    found.sort(key=lambda x: (-x[0], -x[1]))
    return found


def _reason(mine: Signature, theirs: Signature) -> str:
    """The shared terms that weigh most, a name once ("lake orrin", not also "lake")."""
    terms = clustering.shared_terms(mine, theirs, limit=6)
    phrase_words = {w for t in terms if " " in t for w in t.split()}
    return ", ".join([t for t in terms if " " in t or t not in phrase_words][:3])


def _same_story_rows(cache: Cache, ids: list[int]) -> list[RelatedRow]:
    """The story's other members as sidebar rows, in the story's (time) order."""
    rows = {h.id: h for h in cache.headlines_by_ids(ids)}
    return [_row(h, "same-story", None) for h in (rows.get(i) for i in ids) if h is not None]


def _row(h: HeadlineRow, reason: str, detail: str | None) -> RelatedRow:
    """A headline as a sidebar row, with why it is there."""
    return RelatedRow(
        id=h.id,
        title=h.title,
        source=h.source,
        published=h.published,
        precision=h.precision,
        published_text=h.published_text,
        reason=reason,
        detail=detail,
        summary_only=h.summary_only,
        is_read=h.is_read,
    )
