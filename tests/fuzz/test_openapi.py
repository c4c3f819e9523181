"""Every operation of every service's OpenAPI, fuzzed by schemathesis with the tokens of several roles.

Each service runs for real (uvicorn on a loopback port, its demo data seeded, PostgreSQL and NATS of
the test session) and every answer must be no 5xx, a status its operation declares, and a body
that conforms to the declared schema. The quick profile runs in the suite; ``make fuzz`` sets
``FUZZ_EXAMPLES`` for a deeper, randomized run.
"""

from __future__ import annotations

import os
import time

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

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
DEEP = "FUZZ_EXAMPLES" in os.environ
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# NUL in text is refused at the boundary by the bounded text types, not generated here yet.
CONFIG = schemathesis.Config.from_dict({"generation": {"allow-x00": False}})


def _principals(service: str) -> list[tuple[str, tuple[str, ...], dict[str, str]]]:
    """Three or more roles of the service, taken from its demo users so their scopes name real
    units, communities and villages; reporting has one demo user, so its readers are named here."""
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
def test_every_operation_answers_a_declared_4xx_or_success(service, database, make_settings, auth, serve_http) -> None:
    main = __import__(f"{service}.main", fromlist=["create_app"])
    app = main.create_app(
        make_settings(service, database, seed_demo=os.environ.get("FUZZ_SEED", "1") == "1", read_wait_max=0.05)
    )
    headers = [auth(sub, *roles, **scopes) for sub, roles, scopes in _principals(service)]
    failures: list[str] = []
    t0 = time.perf_counter()
    with serve_http(app) as base_url, requests.Session() as session:
        print(f"TIME start {time.perf_counter() - t0:.2f}")
        schema = schemathesis.openapi.from_dict(session.get(base_url + "/openapi.json").json(), config=CONFIG)
        for result in schema.get_all_operations():
            operation = result.ok()

            @settings(
                max_examples=EXAMPLES,
                phases=[Phase.explicit, Phase.generate] if not DEEP else list(Phase),
                derandomize=not DEEP,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(
                case=st.one_of(
                    operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
                    operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
                )
            )
            def run(case: schemathesis.Case) -> None:
                for principal in headers:
                    case.call_and_validate(base_url=base_url, session=session, headers=principal, checks=CHECKS)

            t0 = time.perf_counter()
            try:
                run()
            except (
                Exception,
                BaseExceptionGroup,
            ) as exc:  # every operation is tried; all failures are reported together
                failures.append(f"{operation.label}: {exc}")
            print(f"TIME {time.perf_counter() - t0:.2f} {operation.label}")
    assert not failures, "\n\n".join(failures)
