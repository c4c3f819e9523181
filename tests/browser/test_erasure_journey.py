"""Erasing a person's personal data (PIPL) in the browser: the operator checks whom the number
names, gives the grounds and confirms; the record shows each service's read models rebuilt; the
district's archive of that person then reads 已删除, with the name nowhere on the page.

An erasure rebuilds every read model of every service and cannot be undone, so the journey runs on
a platform of its own: the session's keeps every demo person for the other journeys."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OWN_PLATFORM = True


@pytest.fixture(scope="module")
def platform(own_platform):
    with own_platform() as running:
        yield running


@pytest.fixture(scope="module")
def people(platform, people_of):
    return people_of(platform)


def test_operator_erases_a_person_and_the_archive_reads_erased(page, people, sign_in, sign_out, fits) -> None:
    staff = people.need("staff")
    person_id, name = staff["sub"], staff["name"]
    sign_in(people.need("district_admin"))
    page.goto(f"/archives/people/{person_id}")
    expect(page.get_by_role("region", name=name)).to_be_visible()
    sign_out()

    sign_in(people.need("operator"))
    page.get_by_role("link", name="个人信息删除").click()
    form = page.get_by_role("form", name="删除个人信息")
    form.get_by_label("人员编号").fill(person_id)
    page.get_by_role("button", name="核对").click()
    expect(page.locator('[data-erasure-subject="active"]')).to_contain_text(name)
    fits()

    # Without grounds the form says what is missing; with them, and confirmed, the erasure is done.
    form.get_by_role("button", name="删除个人信息").click()
    expect(form.locator('[data-error-for="reason"]')).to_contain_text("必填")
    form.get_by_label("删除依据").fill("本人于 2026-11-30 书面申请删除个人信息（已调离）")
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="删除个人信息").click()
    records = page.get_by_role("table", name="个人信息删除记录")
    row = records.locator("tr", has=page.locator(f'[data-erased="{person_id}"]'))
    # The record is listed once the erasure's event is projected (a loaded CI machine: seconds).
    expect(row).to_contain_text("书面申请删除", timeout=30_000)
    expect(row).to_contain_text("已重建", timeout=120_000)
    fits()

    # Checked again, the number now names no one but an erased person.
    form.get_by_label("人员编号").fill(person_id)
    page.get_by_role("button", name="核对").click()
    expect(page.locator('[data-erasure-subject="erased"]')).to_contain_text("已删除")
    sign_out()

    sign_in(people.need("district_admin"))
    page.goto(f"/archives/people/{person_id}")
    expect(page.get_by_role("region", name="已删除")).to_be_visible(timeout=30_000)
    expect(page.locator("main")).not_to_contain_text(name)
    fits()
