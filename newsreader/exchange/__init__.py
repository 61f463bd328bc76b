"""Files in and out: importing documents and the bundled sample, exporting
subscriptions as OPML and bookmarks as Markdown, JSON or HTML."""
