"""The demo data through the read models: dashboards, the village file, and who may see what."""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import zlib

from grassroots_common.workdays import CHINA
from village.api import models
from village.demo import DEMO_USERS, seed
from village.demo.cast import town_code
from village.main import create_app


async def test_demo_seed_fills_the_dashboards_and_scopes_reads(
    database, make_settings, serve, auth, wait_until
) -> None:
    app = create_app(make_settings("village", database, seed_demo=True))
    year = dt.datetime.now(CHINA).year
    district = auth("da_zzb", "district_admin", name="赵敏")
    secretary = next(u for u in DEMO_USERS if "village_secretary" in u.roles)
    town_admin = next(u for u in DEMO_USERS if "town_admin" in u.roles)
    async with serve(app) as client:

        async def complete():
            r = await client.get(f"/api/v1/dashboards/district?year={year}", headers=district)
            body = r.json()
            done = (
                body["totals"]["villages"] == 160
                and body["inspection"] is not None
                and body["inspection"]["inspected"] == 160
                and body["rectification"]["designated"] == 5
                and body["pairing"]["units"] == 40
            )
            return body if done else None

        board = await wait_until(complete, timeout=30)
        totals = board["totals"]
        assert totals["villages_with_project"] == 160 and totals["project_coverage_pct"] == 100.0
        assert totals["provincial"] == 9 and totals["district"] == 6 and totals["town_benchmark"] == 19
        assert totals["funds_integrated_fen"] == sum(s["amount_fen"] for s in board["funds_by_source"])
        assert len(board["ranking"]) == 12 and board["ranking"][0]["rank"] == 1
        assert board["inspection"]["coverage_pct"] == 100.0
        assert board["rectification"]["accepted"] == 1

        mine = auth(secretary.sub, *secretary.roles, name=secretary.name, **secretary.scopes)

        async def village_file():
            # The pilot items come from a read model of their own, which may still be catching up.
            r = await client.get(f"/api/v1/villages/{secretary.scopes['village']}", headers=mine)
            assert r.status_code == 200, r.text
            return r.json() if r.json()["pilot_items"] else None

        file = await wait_until(village_file, timeout=30)
        assert file["village"]["name"] == "紫荆村"
        assert file["pilot"]["items"] == 17 and len(file["pilot_items"]) == 17
        assert file["projects"][0]["owner_id"] == secretary.sub
        assert file["reserve_target"] == 2
        # Every answered column is documented by the response models (no undocumented keys).
        assert set(file) == set(models.VillageFile.model_fields)
        for key, model in (
            ("cadres", models.CadreRow),
            ("projects", models.ProjectRow),
            ("inspections", models.RoundVillageRow),
            ("pilot_items", models.PilotItemRow),
            ("pairings", models.PairingRow),
            ("rectifications", models.RectificationCaseRow),
            ("subsidies", models.SubsidySheetRow),
        ):
            assert file[key] and set(file[key][0]) == set(model.model_fields), key
        assert set(file["village"]) == set(models.VillageRow.model_fields)
        assert set(file["pilot"]) == set(models.PilotPlanRow.model_fields)
        assert set(board["totals"]) == set(models.DashboardTotals.model_fields)
        assert set(board["ranking"][0]) == set(models.RankingRow.model_fields)
        assert set(board["inspection"]) == set(models.InspectionSummary.model_fields)
        r = await client.get(f"/api/v1/projects/{file['projects'][0]['project_id']}", headers=mine)
        detail = r.json()
        assert set(detail) == set(models.ProjectDetail.model_fields)
        assert set(detail["project"]) == set(models.ProjectDetailRow.model_fields)
        assert set(detail["milestones"][0]) == set(models.MilestoneRow.model_fields)
        assert set(detail["fundings"][0]) == set(models.FundingRow.model_fields)
        r = await client.get(f"/api/v1/projects?village={secretary.scopes['village']}", headers=mine)
        assert set(r.json()["items"][0]) == set(models.ProjectListRow.model_fields)

        other = f"{town_code(0)}201"
        r = await client.get(f"/api/v1/villages/{other}", headers=mine)
        assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"

        town = auth(town_admin.sub, *town_admin.roles, name=town_admin.name, **town_admin.scopes)
        r = await client.get(f"/api/v1/dashboards/towns/{town_admin.scopes['town']}?year={year}", headers=town)
        assert r.status_code == 200 and r.json()["totals"]["villages"] == 14
        r = await client.get(f"/api/v1/dashboards/towns/{town_code(1)}?year={year}", headers=town)
        assert r.status_code == 403
        r = await client.get(f"/api/v1/dashboards/district?year={year}", headers=town)
        assert r.status_code == 403

        r = await client.get("/api/v1/rectifications?overdue=false", headers=town)
        assert r.json()["total"] >= 14
        r = await client.get(f"/api/v1/pairings?year={year}&behind=true", headers=district)
        assert all(u["behind"] for u in r.json()["items"])


def _png_pixels(content: bytes) -> tuple[int, int, bytes]:
    """Parse a PNG strictly (signature, chunk CRCs, IHDR, IDAT): its width, height and raw scanlines."""
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    chunks: dict[bytes, bytes] = {}
    at = 8
    while at < len(content):
        (length,) = struct.unpack(">I", content[at : at + 4])
        kind, data = content[at + 4 : at + 8], content[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", content[at + 8 + length : at + 12 + length])
        assert zlib.crc32(kind + data) == crc, kind
        chunks[kind] = chunks.get(kind, b"") + data
        at += 12 + length
    assert at == len(content) and b"IEND" in chunks
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 2)
    raw = zlib.decompress(chunks[b"IDAT"])
    assert len(raw) == height * (1 + 3 * width)
    return width, height, raw


async def test_demo_evidence_uploads_exist_and_open_for_the_village(database, make_settings, serve, auth) -> None:
    app = create_app(make_settings("village", database, seed_demo=True))
    secretary = next(u for u in DEMO_USERS if "village_secretary" in u.roles)
    other = next(u for u in DEMO_USERS if "village_secretary" in u.roles and u.sub != secretary.sub)
    async with serve(app) as client:
        pool = app.state.runtime.pool
        referenced = await pool.fetch(
            """SELECT DISTINCT e.data->>'village_id' AS village_id, u.id
               FROM events e, jsonb_array_elements_text(e.data->'evidence_upload_ids') AS u(id)
               WHERE e.data ? 'evidence_upload_ids'"""
        )
        ids = {r["id"] for r in referenced}
        assert len(ids) > 160
        stored = await pool.fetch("SELECT upload_id, content, sha256 FROM uploads WHERE upload_id = ANY($1)", list(ids))
        assert {r["upload_id"] for r in stored} == ids
        for row in stored:
            assert hashlib.sha256(row["content"]).hexdigest() == row["sha256"]
            width, height, _ = _png_pixels(row["content"])
            assert width * height > 1

        await seed(app.state.runtime)  # idempotent: nothing more is written
        assert await pool.fetchval("SELECT count(*) FROM uploads") == len(stored)

        village = secretary.scopes["village"]
        mine = next(r["id"] for r in referenced if r["village_id"] == village)
        headers = auth(secretary.sub, *secretary.roles, name=secretary.name, **secretary.scopes)
        r = await client.get(f"/api/v1/uploads/{mine}", headers=headers)
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        _png_pixels(r.content)
        r = await client.get(f"/api/v1/uploads/{mine}", headers=auth("da_zzb", "district_admin", name="赵敏"))
        assert r.status_code == 200
        stranger = auth(other.sub, *other.roles, name=other.name, **other.scopes)
        r = await client.get(f"/api/v1/uploads/{mine}", headers=stranger)
        assert r.status_code == 403


async def test_main_reads_are_documented_in_openapi(database, make_settings, serve) -> None:
    app = create_app(make_settings("village", database))
    async with serve(app) as client:
        spec = (await client.get("/openapi.json")).json()
    expected = {
        "/api/v1/villages/{village_id}": "VillageFile",
        "/api/v1/projects": "Page_ProjectListRow_",
        "/api/v1/projects/{project_id}": "ProjectDetail",
        "/api/v1/dashboards/district": "Dashboard",
        "/api/v1/dashboards/towns/{town_id}": "Dashboard",
    }
    for path, name in expected.items():
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": f"#/components/schemas/{name}"}, path
    schemas = spec["components"]["schemas"]
    assert {"village", "cadres", "projects", "pilot", "positions"} <= set(schemas["VillageFile"]["required"])
    assert schemas["Dashboard"]["properties"]["ranking"]["items"] == {"$ref": "#/components/schemas/RankingRow"}
    assert "expected_pct" in schemas["ProjectDetailRow"]["properties"]
