"""Identifiers: UUIDv7 for events (time-ordered), short readable ids for aggregates."""

import uuid_utils


def new_event_id() -> str:
    return str(uuid_utils.uuid7())


def new_id(prefix: str) -> str:
    """An aggregate id such as ``tkt_01939b...``: the prefix says what it names."""
    return f"{prefix}_{uuid_utils.uuid7().hex}"
