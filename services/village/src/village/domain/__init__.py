"""Aggregates of the village service: decide (domain methods raise events) and evolve (``when``)."""
