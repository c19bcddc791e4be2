"""Writes of the knowledge base, one module per topic: points.py (upkeep and review),
synonyms.py (the centre's synonym groups, re-indexing), imports.py (xlsx/csv), expiry.py."""
