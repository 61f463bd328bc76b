"""``config.toml``: reading and checking it (:mod:`.settings`), editing it
without losing the user's comments (:mod:`.editing`), saved searches."""
