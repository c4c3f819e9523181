"""Events the village service publishes (stream ``VILLAGE``)."""
