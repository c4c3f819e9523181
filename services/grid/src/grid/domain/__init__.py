"""The grid service's aggregates: pure decide (rules → events) and evolve (events → state)."""
