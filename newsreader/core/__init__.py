"""The ground floor: plain records, text and URL rules, paths, safe file writes.

Imports nothing else of newsreader; everything else may import it."""
