"""Appraisal beyond the log, in the browser: a unit administrator imports a roster from Excel and
sees the rows refused; staff write the monthly summary and read their quarter; the principal
leader adjusts a grade only with a reason; the operator reads every service's projections."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def roster_xlsx(good_id: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(
        ["人员编号", "姓名", "股室", "职务", "出生日期", "身份证号", "股组长编号", "分管领导编号", "主要领导编号"]
    )
    n = int(good_id[-4:], 16)
    born = f"19{70 + n % 30}-{1 + n % 12:02d}-{1 + n % 28:02d}"  # name + birth date identify a person
    sheet.append([good_id, "周新来", "", "科员", born, "", "", "", ""])
    sheet.append(["", "", "", "科员", "not-a-date", "", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_unit_admin_imports_a_roster_with_a_row_error_report(page, people, sign_in, tmp_path) -> None:
    admin = people.need("unit_admin")
    sheet = tmp_path / "roster.xlsx"
    sheet.write_bytes(roster_xlsx(f"p-{uuid.uuid4().hex[:6]}"))
    sign_in(admin)
    page.get_by_role("link", name="花名册").click()
    form = page.get_by_role("form", name="导入花名册")
    form.get_by_role("button", name="导入花名册").click()
    expect(form.locator('[data-error-for="file"]')).to_contain_text("请选择")
    form.get_by_label("花名册 Excel 文件（.xlsx，不超过 2 MB）").set_input_files(str(sheet))
    form.get_by_role("button", name="导入花名册").click()
    expect(form.locator(".notice")).to_contain_text("已导入 1 人")
    expect(form.get_by_role("region", name="未导入的行")).to_contain_text("3")
    expect(page.get_by_role("list", name="花名册")).to_be_visible()

    page.goto("/admin/quarters")
    expect(page.get_by_role("list", name="季度考核").locator("li").first).to_be_visible()


def test_staff_summary_and_quarter(page, people, sign_in, platform) -> None:
    staff = people.need("staff")
    headers = {"Authorization": f"Bearer {people.token_for(staff)}"}
    due = httpx.get(f"{platform.url}/api/appraisal/api/v1/me/summary-due", headers=headers, timeout=10).json()
    sign_in(staff)
    page.get_by_role("link", name="月度小结").click()
    form = page.get_by_role("form", name="提交月度小结")
    # The month offered first is the month due (last month's until it is submitted).
    expect(form.get_by_label("月份")).to_have_value(due["month"])
    form.get_by_role("button", name="提交小结").click()
    expect(form.locator('[data-error-for="text"]')).to_contain_text("必填")
    text = f"本月完成党建台账整理 {uuid.uuid4().hex[:4]}，走访群众 6 户。"
    form.get_by_label("本月工作小结").fill(text)
    form.get_by_role("button", name="提交小结").click()
    expect(page.locator("li.summary", has_text=text)).to_be_visible()

    page.get_by_role("link", name="‹ 返回首页").click()
    page.get_by_role("link", name="我的季度考核").click()
    expect(page.locator("li.quarter").first).to_be_visible()
    # A finished quarter's leaders' comments read in the chain's order, whatever order they are stored in.
    comments = page.locator("li.quarter ul.items").first
    expect(comments).to_be_visible()
    levels = [text.split("：")[0] for text in comments.locator("li").all_inner_texts()]
    assert len(levels) >= 2 and levels == [lv for lv in ("股组长", "分管领导", "主要领导") if lv in levels], levels


def test_principal_leader_adjusts_a_grade_only_with_a_reason(page, people, sign_in) -> None:
    leader = people.need("principal_leader")
    sign_in(leader)
    page.get_by_role("link", name="考核看板").click()
    expect(page.get_by_role("group", name="好等次名额")).to_be_visible()
    person = page.locator("li.person", has=page.get_by_text("调整等次")).first
    expect(person).to_be_visible()
    name = person.locator(".title").inner_text()
    person.get_by_text("调整等次").click()
    form = person.get_by_role("form")
    form.get_by_role("button", name="确认调整").click()
    expect(form.locator('[data-error-for="reason"]')).to_contain_text("必填")
    grade = form.get_by_label("调整为")
    grade.select_option("较好" if grade.input_value() == "一般" else "一般")
    form.get_by_label("调整理由（必填）").fill("季度内重点任务延误，经党组会研究调整")
    to = grade.input_value()
    form.get_by_role("button", name="确认调整").click()
    row = page.locator("li.person", has_text=name)
    expect(row).to_contain_text("经党组会研究调整")
    # The audit trail names the level, both grades and the reason (never "undefined").
    trail = row.get_by_role("list", name=f"{name} 的等次调整记录").locator("li").last
    expect(trail).to_contain_text(re.compile(rf"主要领导调整：(好|较好|一般|较差) → {to}（理由：季度内重点任务延误"))
    expect(row).not_to_contain_text("undefined")

    # The board exports to Excel with the adjusted grade in it.
    with page.expect_download() as info:
        page.get_by_role("button", name="导出 Excel").click()
    workbook = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename.endswith("季度考核.xlsx")
    assert workbook[:4] == b"PK\x03\x04"
    book = load_workbook(io.BytesIO(workbook), read_only=True)
    cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row}
    assert name in cells


def test_unit_admin_sees_who_reviews_a_waiting_person_and_may_hand_it_on(page, people, sign_in) -> None:
    """The form offers the levels not yet decided, with the reviewers the quarter names now; the
    same reviewers again are refused in Chinese by the form (the demo's quarter is left as it is)."""
    sign_in(people.need("unit_admin"))
    page.goto("/unit/board")
    person = page.locator("li.person", has=page.get_by_text("调整本季度审核人")).first
    expect(person).to_be_visible()
    name = person.locator(".title").inner_text()
    person.get_by_text("调整本季度审核人").click()
    form = person.get_by_role("form", name=f"调整 {name} 本季度的审核人")
    expect(form.get_by_role("combobox").first).to_be_visible()
    assert any(box.input_value() for box in form.get_by_role("combobox").all())  # someone reviews them now
    form.get_by_role("button", name="保存审核人").click()
    expect(form.locator(".form-error")).to_contain_text("审核人没有变化")
    expect(person).not_to_contain_text("undefined")


def test_operator_sees_every_service_projections(page, people, sign_in) -> None:
    operator = people.need("operator")
    sign_in(operator)
    page.get_by_role("link", name="读模型与积压").click()
    for service in ("考核服务", "网格服务", "乡村服务", "报表服务"):
        card = page.get_by_role("region", name=service)
        expect(card.get_by_role("region", name=f"{service}的读模型")).to_be_visible()
    card = page.get_by_role("region", name="网格服务")
    card.get_by_text("搁置事件（死信）").click()
    expect(card.get_by_text("没有搁置的事件")).to_be_visible()


def test_the_board_marks_a_grade_still_to_be_reviewed_as_provisional(page, people, sign_in, platform) -> None:
    """A grade some levels gave while another level is still to review is not shown as the result."""
    leader = people.need("principal_leader")
    unit = leader["scopes"]["unit"]
    headers = {"Authorization": f"Bearer {people.token_for(leader)}"}
    base = f"{platform.url}/api/appraisal/v1/units/{unit}/quarters"
    open_quarter = next(
        q for q in httpx.get(base, headers=headers, timeout=10).json()["items"] if q["status"] == "open"
    )
    board = httpx.get(f"{base}/{open_quarter['quarter']}/board", params={"limit": 15}, headers=headers, timeout=10)
    pending = [p for p in board.json()["items"][:15] if p["grade"] and p["next_level"]]  # the first page
    assert pending, "the demo's open quarter has someone graded by one level and waiting for the next"
    sign_in(leader)
    page.get_by_role("link", name="考核看板").click()
    row = page.locator(f'li.person[data-person="{pending[0]["person_id"]}"]')
    expect(row.locator(".badge").first).to_have_text(re.compile(rf"^待.+ · 暂定{pending[0]['grade']}$"))
