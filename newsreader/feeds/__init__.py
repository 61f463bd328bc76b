"""The network side: fetching under a policy, refreshing subscribed feeds,
subscribing, and fetching the full text of summary-only articles."""
