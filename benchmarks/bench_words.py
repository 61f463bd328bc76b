"""Word lists the generated corpora of several benchmarks share
(``parse_feeds.py``, ``search_bench.py``, ``gen_cache.py``): one copy, so
that they draw from the same town-and-topic vocabulary. Changing a list
changes what those benchmarks generate (their seeds replay the same draws
only over the same lists)."""

from __future__ import annotations

#: Nouns of a small town's news: a search finds them in a few percent of articles.
TOWN_NOUNS = [
    "harbour",
    "ferry",
    "market",
    "council",
    "river",
    "bridge",
    "orchard",
    "festival",
    "library",
    "museum",
    "season",
    "report",
    "budget",
    "school",
    "hospital",
    "station",
    "harvest",
    "storm",
    "island",
    "valley",
    "mountain",
    "forest",
    "village",
    "railway",
    "airport",
    "court",
    "league",
    "match",
    "concert",
    "gallery",
    "theatre",
    "novel",
]

#: News sections, as feeds tag their items.
SECTIONS = [
    "world",
    "politics",
    "business",
    "economy",
    "technology",
    "science",
    "health",
    "sport",
    "culture",
    "arts",
    "environment",
    "climate",
    "education",
    "transport",
    "energy",
    "local",
    "opinion",
    "weather",
    "crime",
    "travel",
    "food",
    "music",
    "books",
    "film",
    "media",
    "defence",
    "agriculture",
    "property",
    "finance",
    "markets",
    "space",
]
