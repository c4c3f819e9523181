"""One function per command: load the aggregate, check who may act, let it decide, append."""
