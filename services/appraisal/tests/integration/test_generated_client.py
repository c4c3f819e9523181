"""A client generated from the service's OpenAPI document (openapi-python-client) calls the running app.

The document is the contract integrators generate from: its typed bodies go out, its typed answers
come back, and a refusal arrives as the documented problem+json.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import httpx

from appraisal.main import create_app

PACKAGE = "appraisal_client"


def generate(document: dict, into: Path) -> None:
    """Run the real generator on ``document``; the package lands in ``into/appraisal_client``."""
    (into / "openapi.json").write_text(json.dumps(document))
    (into / "config.json").write_text(json.dumps({"package_name_override": PACKAGE, "post_hooks": []}))
    generator = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            "openapi.json",
            "--config",
            "config.json",
            "--meta",
            "none",
            "--output-path",
            PACKAGE,
        ],
        cwd=into,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


async def test_a_generated_client_calls_the_service_with_typed_bodies_and_answers(
    database, make_settings, auth, tmp_path, monkeypatch
) -> None:
    app = create_app(make_settings("appraisal", database))
    generate(app.openapi(), tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    client_module = module("client")
    register = module("api.roster_and_scheme.register_unit_api_v1_units_post")
    list_units = module("api.roster_and_scheme.list_units_api_v1_units_get")
    models = module("models")

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)

        def signed_in(headers: dict[str, str]) -> object:
            client = client_module.Client(base_url="http://test")
            client.set_async_httpx_client(
                httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers)
            )
            return client

        district = signed_in(auth("d1", "district_admin"))
        body = models.RegisterUnitBody(unit_id="u-gen", unit_name="凤翔区委组织部")
        result = await register.asyncio(client=district, body=body)
        assert isinstance(result, models.CommandResult), result
        assert result.version == 1 and result.events

        page = await list_units.asyncio(client=district, after=result.position)
        assert isinstance(page, models.PageUnitOut), page
        assert [(u.unit_id, u.unit_name, u.people) for u in page.items] == [("u-gen", "凤翔区委组织部", 0)]

        staff = signed_in(auth("s1", "staff", unit="u-gen"))
        refused = await register.asyncio_detailed(
            client=staff, body=models.RegisterUnitBody(unit_id="u-2", unit_name="另一个单位")
        )
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        assert json.loads(refused.content)["code"]
