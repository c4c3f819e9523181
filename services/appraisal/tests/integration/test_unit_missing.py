"""A principal without a unit is refused alike by every command that acts within one."""

from __future__ import annotations

from appraisal.main import create_app


async def test_a_principal_without_a_unit_gets_one_answer_from_logs_and_summaries(
    database, make_settings, serve, auth
) -> None:
    staff = auth("nobody-unit", "staff")
    commands = [
        ("/api/v1/logs", {"week": "2026-W47", "items": [{"text": "起草季度考核通报"}]}),
        ("/api/v1/summaries", {"month": "2026-10", "text": "本月完成党建台账整理、两次主题党日组织。"}),
    ]
    async with serve(create_app(make_settings("appraisal", database))) as client:
        answers = []
        for path, body in commands:
            r = await client.post(path, json=body, headers=staff)
            assert r.headers["content-type"] == "application/problem+json", r.text
            answers.append((r.status_code, r.json()["code"], r.json()["detail"]))
    assert answers == [(403, "unit_scope_missing", "你的账号未归属任何单位，请联系单位管理员")] * 2
