"""Projections: read models fed from JetStream, applied with their checkpoint in one transaction.

A projection owns one PostgreSQL schema (its tables) and declares the source streams and event
types it reads. The runner pulls a batch, skips what the checkpoint already covers, applies the rest
and the new checkpoint in one transaction, then acknowledges: effectively exactly-once on an
at-least-once stream. An event that keeps failing is parked in ``dead_letters``; the policy decides
whether the runner then stops or continues. ``rebuild`` fills a shadow schema from the start of the
streams at full speed and swaps it in with one transaction while queries keep reading the old one.

Modules: ``projection`` (what a projection is), ``checkpoints`` (a batch with its checkpoint),
``runner`` (live), ``dead_letters`` (parked events), ``rebuild`` (a shadow schema), ``read_after``
(read-your-writes).
"""
