"""An invented story told by three outlets (a barge strikes a bridge), and
one told by two (a library fire), for the compare view and the briefing."""

from __future__ import annotations

from datetime import timedelta

from newsreader.core.models import Article, ParsedDocument
from tests.support.app import NOW


def _feed(name: str, host: str, *articles: Article) -> ParsedDocument:
    return ParsedDocument(format="rss", feed_title=name, feed_url=f"https://{host}/rss", articles=list(articles))


def _article(host: str, slug: str, title: str, ago: timedelta, body: str) -> Article:
    return Article(
        title=title,
        url=f"https://{host}/{slug}",
        body=body,
        published=NOW - ago,
        precision="exact",
    )


BRIDGE_GAZETTE = (
    "The Amberly Bridge was closed to traffic at 5am on Tuesday after a loose barge struck one of its piers "
    "on the Tollan River.\n"
    "Engineers from the Tollan District Council inspected the damaged pier for four hours. "
    'Council engineer Petra Lind said the damage was "worse than anything we have seen on this crossing". '
    "About 14,000 vehicles use the Amberly Bridge each day.\n"
    "A ferry service will run every 20 minutes until the bridge reopens."
)
BRIDGE_LEDGER = (
    "A drifting barge hit a pier of the Amberly Bridge on the Tollan River early on Tuesday, and the Tollan "
    "District Council closed the bridge to traffic at 5am.\n"
    "Roughly 12,000 vehicles use the Amberly Bridge each day, according to the council.\n"
    'The damage was "worse than anything we have seen on this crossing", engineer Petra Lind said.\n'
    'Shop owners on the eastern bank said the closure was "a disaster for the weekend trade".'
)
BRIDGE_WIRE = (
    "The Amberly Bridge over the Tollan River stays closed after a barge struck a pier on Tuesday, the Tollan "
    "District Council said.\n"
    "Council engineer Petra Lind said divers would examine the pier below the waterline on Wednesday.\n"
    "The barge's owner, Calloway Freight, said its mooring lines had parted in the strong current."
)
FIRE_COURIER = (
    "Fire crews saved most of the Westmere Library's rare book room after a blaze broke out in its roof on "
    "Monday night.\n"
    "About 300 volumes were damaged by water, the library's director Ada Fenn said."
)
FIRE_HERALD = (
    "A roof fire at the Westmere Library on Monday night damaged about 300 volumes, but fire crews kept the "
    "blaze out of the rare book room.\n"
    '"We were very lucky," director Ada Fenn said.'
)


def bridge_documents() -> list[ParsedDocument]:
    """Five feeds: the bridge story from three outlets, the fire from two."""
    return [
        _feed(
            "Harbour Gazette",
            "gazette.example",
            _article(
                "gazette.example",
                "bridge",
                "Barge strike closes Amberly Bridge over Tollan River",
                timedelta(hours=3),
                BRIDGE_GAZETTE,
            ),
        ),
        _feed(
            "Northern Ledger",
            "ledger.example",
            _article(
                "ledger.example",
                "bridge",
                "Amberly Bridge closed after drifting barge hits pier on Tollan River",
                timedelta(hours=2),
                BRIDGE_LEDGER,
            ),
            _article(
                "ledger.example",
                "fire",
                "Roof fire at Westmere Library damages 300 volumes",
                timedelta(hours=5),
                FIRE_HERALD,
            ),
        ),
        _feed(
            "Tideline Wire",
            "wire.example",
            _article(
                "wire.example",
                "bridge",
                "Amberly Bridge on Tollan River to stay closed after barge strikes pier",
                timedelta(hours=1),
                BRIDGE_WIRE,
            ),
        ),
        _feed(
            "Civic Courier",
            "courier.example",
            _article(
                "courier.example",
                "fire",
                "Fire crews save Westmere Library rare book room from roof blaze",
                timedelta(hours=6),
                FIRE_COURIER,
            ),
        ),
    ]
