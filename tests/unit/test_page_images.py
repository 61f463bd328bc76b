"""A web page's pictures are kept for the article pane: the lead image
(og:image) first, then the story's figures; the nav's logo is not one."""

from __future__ import annotations

from newsreader.parser import parse

PAGE = b"""<!DOCTYPE html><html><head><title>Tall ship arrives | Harbour Gazette</title>
<meta property="og:type" content="article">
<meta property="og:image" content="/media/lead.jpg">
<link rel="canonical" href="https://gazette.example.org/news/tall-ship"></head>
<body><nav><figure class="site-logo"><img src="/logo.png"><figcaption>Logo</figcaption></figure></nav>
<article><h1>Tall ship arrives</h1>
<p>The three-masted ship came in on the morning tide, and crowds lined the quay to watch it tie up.</p>
<figure><img src="/media/deck.jpg" alt="The deck"><figcaption>On the deck.</figcaption></figure>
<figure><img data-src="https://cdn.example.net/rigging.webp"><figcaption>The rigging.</figcaption></figure>
<figure><img src="javascript:alert(1)"><figcaption>Not a picture.</figcaption></figure>
<p>The ship stays in port until Sunday, when it leaves for the next festival along the coast, its crew said.</p>
</article></body></html>"""


def test_a_page_keeps_its_lead_image_and_its_figures():
    doc = parse(PAGE, url="https://gazette.example.org/news/tall-ship")
    assert doc.articles[0].images == [
        "https://gazette.example.org/media/lead.jpg",
        "https://gazette.example.org/media/deck.jpg",
        "https://cdn.example.net/rigging.webp",
    ]
