"""Every operation of every service's OpenAPI, fuzzed by schemathesis with the tokens of several roles.

Each service runs for real (uvicorn on a loopback port, its demo data seeded, on the test session's
PostgreSQL and NATS). Every case, valid and invalid, is sent once with each role's token, and every
answer must be no 5xx, a status its operation declares, with the declared content type and a body
that conforms to the declared schema. Before the fuzzing, hand-made inputs the fuzzer would rarely
draw (numbers past int64) must be refused with a 422.

The quick profile runs in ``make test``: the schema's own examples and one derandomized example per
operation. ``make fuzz`` (``FUZZ=deep``) draws 100 fresh random examples per operation, on seeded
demo data for every service; ``FUZZ_EXAMPLES`` sets the number for either.
"""

from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

DEEP = os.environ.get("FUZZ") == "deep"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100" if DEEP else "1"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# NUL and other control characters are generated too: the bounded text types refuse them (422).
CONFIG = schemathesis.Config.from_dict({"generation": {"allow-x00": True}})
PROFILE = settings(
    max_examples=EXAMPLES,
    # No shrinking: a failure is reported as drawn. The services keep state between cases, so a
    # replay while shrinking can take another path and hide the failure behind a "flaky" error.
    phases=[Phase.explicit, Phase.generate],
    derandomize=not DEEP,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
BEYOND = f"{2**63}.1"  # a store position past int64

# Per service, requests that must be refused as invalid: numbers past int64 in ?after= and in paths.
HANDMADE: dict[str, list[str]] = {
    "appraisal": [f"/api/v1/logs?after={BEYOND}", f"/api/v1/me/quarters?after={BEYOND}"],
    "grid": [f"/api/v1/boards/overdue?after={BEYOND}"],
    "village": [f"/api/v1/villages?after={BEYOND}", f"/api/v1/dashboards/district?year=2026&after={BEYOND}"],
    "reporting": [f"/api/v1/submissions?week=2026-W47&after={BEYOND}", f"/api/v1/notices/{2**63}"],
}


def principals(service: str) -> list[tuple[str, tuple[str, ...], dict[str, str]]]:
    """At least three roles of the service, from its demo users, so their scopes name real units,
    communities and villages; reporting has one demo user, so its readers are named here."""
    if service == "reporting":
        return [
            ("da_fuzz", ("district_admin",), {}),
            ("ua_fuzz", ("unit_admin",), {"unit": "u_fx_zzb"}),
            ("st_fuzz", ("staff",), {"unit": "u_fx_zzb"}),
            ("ops_fuzz", ("operator",), {}),
        ]
    module = __import__(f"{service}.demo", fromlist=["DEMO_USERS"])
    chosen: dict[str, tuple[str, tuple[str, ...], dict[str, str]]] = {}
    for user in module.DEMO_USERS:
        chosen.setdefault(user.roles[0], (user.sub, tuple(user.roles), dict(user.scopes)))
    assert len(chosen) >= 3, f"{service} offers fewer than three demo roles"
    return list(chosen.values())


@pytest.mark.parametrize("service", ["appraisal", "grid", "village", "reporting"])
def test_every_operation_answers_a_declared_status_with_its_schema(
    service, database, make_settings, auth, serve_http
) -> None:
    main = __import__(f"{service}.main", fromlist=["create_app"])
    # Appraisal's demo year costs the quick profile more than all its fuzzing: it is seeded in the deep one.
    seeded = DEEP or service != "appraisal"
    app = main.create_app(make_settings(service, database, seed_demo=seeded, read_wait_max=0.05))
    tokens = [auth(sub, *roles, **scopes) for sub, roles, scopes in principals(service)]
    failures: list[str] = []
    with serve_http(app) as base_url, requests.Session() as session:
        for path in HANDMADE[service]:
            r = session.get(base_url + path, headers=tokens[0])
            if (r.status_code, r.headers.get("content-type")) != (422, "application/problem+json"):
                failures.append(f"GET {path}: {r.status_code} {r.text[:200]}")
        schema = schemathesis.openapi.from_dict(session.get(base_url + "/openapi.json").json(), config=CONFIG)
        for result in schema.get_all_operations():
            operation = result.ok()
            cases = st.one_of(
                operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
                operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
            )

            @PROFILE
            @given(case=cases)
            def each(case: schemathesis.Case) -> None:
                for token in tokens:
                    case.call_and_validate(base_url=base_url, session=session, headers=token, checks=CHECKS)

            try:
                each()
            except (Exception, BaseExceptionGroup) as exc:  # every operation is tried, all failures reported
                failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
