"""Stories: which articles from different outlets tell the same event.

Pure story logic, no SQL and no I/O: :mod:`~newsreader.stories.features`
reads an article's own text, :mod:`~newsreader.stories.signature` weighs it
into a vector, :mod:`~newsreader.stories.clustering` compares vectors and
decides where an article goes; :mod:`~newsreader.stories.compare` aligns
two versions of one story sentence by sentence (the compare view). The
store (``newsreader.store.story_rows``, ``storyindex``) keeps the
signatures and runs the queries.
"""
