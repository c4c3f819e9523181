"""The roster import is a multipart upload: its Idempotency-Key is fingerprinted by the file's digest,
not by the raw body (consumed by the form, and a retry comes with a new boundary)."""

from __future__ import annotations

from appraisal.main import create_app

from .test_roster_logs_growth import xlsx
from .unit_setup import build_unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_a_retried_import_answers_the_first_and_another_file_is_refused(
    database, make_settings, serve, auth
) -> None:
    async with serve(create_app(make_settings("appraisal", database))) as client:
        h = await build_unit(client, auth)
        keyed = h["admin"] | {"Idempotency-Key": "import-1"}
        content = xlsx([["n1", "韩梅梅", "组织科", "科员", "1993-02-03", None, "c1", "dep", "boss"]])
        first = await client.post(
            "/api/v1/units/u1/roster-imports", files={"file": ("a.xlsx", content, XLSX)}, headers=keyed
        )
        assert first.status_code == 200, first.text
        assert first.json()["data"]["rows_enrolled"] == 1
        again = await client.post(
            "/api/v1/units/u1/roster-imports", files={"file": ("a.xlsx", content, XLSX)}, headers=keyed
        )
        assert again.status_code == 200, again.text
        assert again.json() == first.json()

        other = xlsx([["n2", "李雷", "组织科", "科员", "1990-01-01", None, "c1", "dep", "boss"]])
        r = await client.post("/api/v1/units/u1/roster-imports", files={"file": ("b.xlsx", other, XLSX)}, headers=keyed)
        assert (r.status_code, r.json()["code"]) == (422, "idempotency_key_reused")
