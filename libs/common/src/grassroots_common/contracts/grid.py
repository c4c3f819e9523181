"""Events the grid service publishes (stream ``GRID``)."""
