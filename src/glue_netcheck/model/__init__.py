"""Frozen, typed values: the only thing the analysis sees."""
