"""The invented news that ``gen_cache.py`` fills a cache with: a news
vocabulary by topic, invented names with Zipf frequencies, and
:class:`Writer`, which makes English-like titles and bodies from a small
grammar over them (deterministic for a seeded ``random.Random``)."""

from __future__ import annotations

import random

from bench_words import MASTHEAD_WORDS

# -- the vocabulary ----------------------------------------------------------------

#: Nouns by topic: an article draws most of its nouns from its topic, as
#: real coverage does, so a topical word is in a few percent of the articles
#: and not in all of them.
TOPICS = {
    "politics": """minister election vote ballot party senate parliament bill coalition cabinet mayor
        councillor campaign poll manifesto referendum treaty embassy envoy summit debate motion
        opposition speaker constituency candidate reform inquiry scandal resignation veto
        amendment lobby statute mandate delegation""",
    "business": """company profit loss share market merger takeover investor dividend revenue forecast
        factory plant retailer supplier contract tender startup chief board shareholder bank loan
        bond currency inflation tariff export import pension mortgage wage strike union audit""",
    "sport": """match league final season coach player striker goalkeeper club stadium race marathon
        cyclist regatta tournament medal trophy semifinal referee captain transfer squad fixture
        derby championship sprint relay innings wicket pitch penalty podium rower""",
    "weather": """storm flood drought heatwave rainfall frost gale snowfall forecast warning tide
        cyclone hailstorm thunder fog wildfire landslide temperature blizzard surge downpour
        monsoon humidity breeze sleet evacuation shelter river levee reservoir coastline""",
    "transport": """ferry railway tram bus tunnel motorway airport runway station timetable fare
        commuter signal platform carriage freight port harbour quay pilot crossing bridge
        junction roadworks diversion timetable cyclist lane depot ticket network route""",
    "health": """hospital clinic nurse doctor patient vaccine ward surgery virus outbreak trial
        pharmacy waiting prescription ambulance paramedic midwife diagnosis treatment therapy
        screening infection dose symptom recovery transplant dentist carer bed shortage""",
    "science": """telescope comet planet rocket satellite glacier volcano fossil protein genome
        enzyme laboratory experiment sample species reef whale orbit asteroid probe particle
        microscope specimen excavation climate ocean sediment isotope mission spacecraft""",
    "technology": """software update outage breach server network chip battery browser app platform
        algorithm password encryption data cloud robot drone sensor device firmware patch
        developer startup code cable broadband signal screen console""",
    "culture": """museum gallery library theatre festival concert exhibition novel film album
        orchestra opera ballet poet painter sculpture archive manuscript premiere director
        author playwright choir curator collection portrait tour audience award""",
    "crime": """police officer court trial judge jury verdict sentence arrest suspect charge
        robbery burglary fraud inquest witness prosecutor appeal prison detective warrant
        raid investigation evidence bail custody theft smuggling""",
    "education": """school pupil teacher exam university student course degree lecture campus
        curriculum classroom headteacher tuition scholarship graduate apprenticeship nursery
        inspection timetable library funding enrolment""",
    "energy": """turbine reactor pipeline refinery grid solar offshore battery substation
        windfarm tariff supply shortage demand blackout generator dam hydrogen coal gas
        emissions meter heating insulation""",
}
_GENERAL_NOUNS = [
    "council",
    "budget",
    "plan",
    "report",
    "review",
    "survey",
    "scheme",
    "fund",
    "grant",
    "plan",
    "year",
    "week",
    "month",
    "government",
    "city",
    "town",
    "village",
    "people",
    "residents",
    "family",
    "community",
    "project",
    "service",
    "decision",
    "proposal",
    "agreement",
    "deal",
    "plan",
]
_VERBS = [  # (present with -s, past)
    ("approves", "approved"),
    ("rejects", "rejected"),
    ("delays", "delayed"),
    ("opens", "opened"),
    ("closes", "closed"),
    ("wins", "won"),
    ("loses", "lost"),
    ("announces", "announced"),
    ("cuts", "cut"),
    ("raises", "raised"),
    ("launches", "launched"),
    ("backs", "backed"),
    ("warns", "warned"),
    ("plans", "planned"),
    ("signs", "signed"),
    ("blocks", "blocked"),
    ("reviews", "reviewed"),
    ("expands", "expanded"),
    ("sells", "sold"),
    ("buys", "bought"),
    ("hits", "hit"),
    ("faces", "faced"),
    ("seeks", "sought"),
    ("halts", "halted"),
    ("restores", "restored"),
    ("reports", "reported"),
    ("unveils", "unveiled"),
    ("defends", "defended"),
    ("extends", "extended"),
    ("suspends", "suspended"),
    ("doubles", "doubled"),
    ("scraps", "scrapped"),
    ("confirms", "confirmed"),
    ("questions", "questioned"),
    ("funds", "funded"),
    ("builds", "built"),
]
_ADJECTIVES = [
    "new",
    "old",
    "local",
    "national",
    "regional",
    "major",
    "minor",
    "first",
    "last",
    "late",
    "early",
    "record",
    "rising",
    "falling",
    "long",
    "short",
    "strong",
    "weak",
    "public",
    "private",
    "small",
    "large",
    "rural",
    "urban",
    "northern",
    "southern",
    "eastern",
    "western",
    "coastal",
    "inland",
    "delayed",
    "planned",
    "disputed",
    "final",
    "annual",
    "monthly",
    "emergency",
    "temporary",
    "permanent",
    "joint",
    "rival",
    "leading",
    "former",
    "future",
]
_PREPOSITIONS = [
    "in",
    "at",
    "near",
    "after",
    "before",
    "over",
    "despite",
    "amid",
    "during",
    "for",
    "against",
    "with",
    "from",
]
_FUNCTION = [
    "the",
    "the",
    "the",
    "a",
    "a",
    "of",
    "of",
    "of",
    "to",
    "to",
    "and",
    "and",
    "in",
    "in",
    "is",
    "was",
    "that",
    "for",
    "it",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "has",
    "have",
    "are",
    "were",
    "be",
    "this",
    "which",
    "their",
    "its",
    "more",
    "after",
    "also",
    "but",
    "not",
    "been",
]
_SAID = ["said", "told reporters", "said on Tuesday", "said in a statement", "told the council", "wrote"]
MASTHEADS = [
    *MASTHEAD_WORDS,
    "Argus",
    "Bulletin",
    "Dispatch",
    "Review",
    "Wire",
    "Star",
]
_SYLLABLES = [
    "ash",
    "bel",
    "bran",
    "brack",
    "cal",
    "dun",
    "east",
    "fal",
    "glen",
    "har",
    "inver",
    "kes",
    "lark",
    "mar",
    "north",
    "oak",
    "pel",
    "quar",
    "red",
    "salt",
    "thorn",
    "um",
    "vex",
    "west",
    "yar",
    "zen",
    "ald",
    "ber",
    "cor",
    "dal",
    "el",
    "fen",
    "gor",
    "hol",
    "ith",
    "jun",
    "kel",
    "lin",
    "mor",
    "nor",
    "ost",
    "pen",
    "ros",
    "sul",
    "tor",
    "ul",
    "ven",
    "wyn",
]
_ENDINGS = [
    "by",
    "ham",
    "ford",
    "mere",
    "wick",
    "ton",
    "field",
    "water",
    "moor",
    "holm",
    "leigh",
    "bourne",
    "combe",
    "rath",
    "haven",
    "gate",
    "stead",
]
_FIRST = [
    "Ada",
    "Ben",
    "Cara",
    "Dev",
    "Elin",
    "Farah",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kofi",
    "Lena",
    "Mads",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tess",
    "Uma",
    "Viktor",
    "Wen",
    "Xavi",
    "Yara",
    "Zeno",
    "Alma",
    "Bruno",
    "Cleo",
    "Dario",
]


def invented_name(rng: random.Random, parts: int, ending: bool) -> str:
    word = "".join(rng.choice(_SYLLABLES) for _ in range(parts))
    if ending:
        word += rng.choice(_ENDINGS)
    return word.capitalize()


def zipf_weights(n: int, exponent: float = 1.0) -> list[float]:
    """Cumulative weights: the k-th item is k**exponent times rarer than the first."""
    out, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1.0 / rank**exponent
        out.append(total)
    return out


class Writer:
    """English-like news text from a small grammar and Zipf-weighted names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.places = list(dict.fromkeys(invented_name(rng, 1, True) for _ in range(3000)))
        self.place_cum = zipf_weights(len(self.places), 0.9)
        surnames = list(dict.fromkeys(invented_name(rng, 2, False) for _ in range(5000)))
        self.people = [f"{rng.choice(_FIRST)} {s}" for s in surnames]
        self.people_cum = zipf_weights(len(self.people), 0.9)
        self.orgs = [
            f"{invented_name(rng, 2, False)} {rng.choice(['Group', 'Trust', 'Energy', 'Labs', 'Holdings', 'Authority', 'Union', 'Partners'])}"
            for _ in range(1500)
        ]
        self.org_cum = zipf_weights(len(self.orgs), 0.9)
        # Invented rare words: the long tail any real corpus has (names of
        # products, species, streets), so the FTS index has one too.
        self.rare = list(dict.fromkeys(invented_name(rng, rng.choice((2, 3)), False).lower() for _ in range(40000)))
        self.rare_cum = zipf_weights(len(self.rare), 1.0)
        self.topics = {name: words.split() for name, words in TOPICS.items()}
        self.topic = "politics"

    def pick_topic(self, options: list[str] | None = None) -> str:
        self.topic = self.rng.choice(options or sorted(self.topics))
        return self.topic

    def place(self) -> str:
        return self.rng.choices(self.places, cum_weights=self.place_cum)[0]

    def person(self) -> str:
        return self.rng.choices(self.people, cum_weights=self.people_cum)[0]

    def org(self) -> str:
        return self.rng.choices(self.orgs, cum_weights=self.org_cum)[0]

    def noun(self) -> str:
        """Mostly the current topic's nouns, some general ones, a few rare words."""
        roll = self.rng.random()
        if roll < 0.72:
            return self.rng.choice(self.topics[self.topic])
        if roll < 0.92:
            return self.rng.choice(_GENERAL_NOUNS)
        return self.rare_word()

    def rare_word(self) -> str:
        return self.rng.choices(self.rare, cum_weights=self.rare_cum)[0]

    def phrase(self, subject: str | None = None) -> str:
        """One clause: subject, verb, object, maybe a prepositional phrase."""
        r = self.rng
        subject = subject or r.choice(
            [
                f"the {self.noun()}",
                f"the {r.choice(_ADJECTIVES)} {self.noun()}",
                self.person(),
                self.org(),
                f"{self.place()} {self.noun()}",
            ]
        )
        verb = r.choice(_VERBS)[1]
        obj = r.choice(
            [
                f"the {self.noun()}",
                f"a {r.choice(_ADJECTIVES)} {self.noun()}",
                f"its {self.noun()}",
                f"{r.randint(2, 90)} {self.noun()}s",
                f"the {self.rare_word()} {self.noun()}",
            ]
        )
        out = f"{subject} {verb} {obj}"
        if r.random() < 0.7:
            out += f" {r.choice(_PREPOSITIONS)} the {r.choice(_ADJECTIVES)} {self.noun()}"
        if r.random() < 0.3:
            out += f" in {self.place()}"
        return out

    def sentence(self, extra: list[str] = ()) -> str:
        r = self.rng
        parts = [self.phrase()]
        if r.random() < 0.45:
            parts.append(r.choice(["and", "but", "while", "after", "because"]) + " " + self.phrase())
        text = " ".join(parts)
        words = text.split()
        for word in extra:
            words.insert(r.randrange(1, len(words) + 1), word)
        if r.random() < 0.25:
            words.extend(r.choices(_FUNCTION, k=r.randint(2, 5)) + [self.noun()])
        text = " ".join(words)
        if r.random() < 0.3:
            text += f", {self.person()} {r.choice(_SAID)}"
        return text[:1].upper() + text[1:] + "."

    def title(self, place: str | None = None, who: str | None = None, extra: str | None = None) -> str:
        r = self.rng
        verb = r.choice(_VERBS)[0]
        subject = who or r.choice(
            [
                f"{place or self.place()} {self.noun()}",
                self.org(),
                self.person(),
                f"{r.choice(_ADJECTIVES).capitalize()} {self.noun()}",
            ]
        )
        words = [subject, verb, r.choice(["", r.choice(_ADJECTIVES) + " "]) + self.noun()]
        if extra:
            words.append(extra)
        if r.random() < 0.8:
            words.append(f"{r.choice(_PREPOSITIONS)} {place or self.place()}")
        if r.random() < 0.4:
            words.append(f"{r.choice(_PREPOSITIONS)} {r.choice(_ADJECTIVES)} {self.noun()}")
        text = " ".join(w for w in words if w).replace("  ", " ")
        return text[:1].upper() + text[1:]

    def body(self, lede: list[str], words: int) -> str:
        """Paragraphs (one per line, as the cache stores them) of about ``words`` words."""
        paragraphs = [" ".join(lede)]
        count = sum(len(s.split()) for s in lede)
        while count < words:
            sentences = [self.sentence() for _ in range(self.rng.randint(2, 4))]
            count += sum(len(s.split()) for s in sentences)
            paragraphs.append(" ".join(sentences))
        return "\n".join(paragraphs)
