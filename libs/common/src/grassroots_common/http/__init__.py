"""The service kit's HTTP side. Routes of a service only translate HTTP into a command or a query;
everything every service needs lives here once: ``app`` (the factory, health, metrics),
``middleware`` (request ids, body caps), ``refusals`` (problem+json answers), ``dependencies``
(runtime, principal, metadata, idempotency, read-after) and ``operations`` (the operator API).
"""
