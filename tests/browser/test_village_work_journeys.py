"""The village jobs in the browser, each with a refusal of the service shown next to what the user
did: an inspection round opened, a village's scores and a finding recorded, the finding rectified
with a photo; a weak organization screened, designated, planned, progressed and accepted (销号);
a project's funding and investment recorded and seen in the district's ranking of towns."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BEIJING = dt.timezone(dt.timedelta(hours=8))


def today() -> dt.date:
    return dt.datetime.now(BEIJING).date()


def api(platform, people, user: dict, path: str, **params: object) -> dict:
    r = httpx.get(
        f"{platform.url}/api/village/api/v1{path}",
        params=params,
        headers={"Authorization": f"Bearer {people.token_for(user)}"},
        timeout=60,
    )
    r.raise_for_status()
    return r.json()


def test_inspection_round_scores_a_finding_and_its_rectification(
    page, people, sign_in, sign_out, platform, photo, fits
) -> None:
    district = people.need("district_admin")
    secretary = people.need("village_secretary")
    town_admin = people.need("town_admin", town=secretary["scopes"]["town"])
    village = api(platform, people, district, f"/villages/{secretary['scopes']['village']}")["village"]
    name = f"村级活动场所专项检查 {uuid.uuid4().hex[:4]}"
    problem = f"党员活动室制度未上墙 {uuid.uuid4().hex[:4]}"

    # The district opens a round; a due date before its start is refused next to the due date.
    sign_in(district)
    page.get_by_role("link", name="规范化检查录入").click()
    page.get_by_text("开启一轮规范化检查").click()
    form = page.get_by_role("form", name="开启检查轮次")
    form.get_by_label("轮次名称").fill(name)
    form.get_by_label("截止日期").fill((today() - dt.timedelta(days=3)).isoformat())
    form.get_by_label("检查组成员（每行一人）").fill("张伟\n刘洋")
    form.get_by_label("检查的镇").select_option(village["town_id"])
    form.get_by_label(village["name"]).check()
    form.get_by_role("button", name="开启轮次").click()
    expect(form.locator('[data-error-for="due_on"]')).to_contain_text("截止日期不能早于开始日期")
    fits()
    form.get_by_label("截止日期").fill((today() + dt.timedelta(days=30)).isoformat())
    form.get_by_role("button", name="开启轮次").click()
    page.locator("li[data-round]", has_text=name).get_by_role("link").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    sign_out()

    # The town records the village's score per aspect and a finding with its deadline.
    sign_in(town_admin)
    page.get_by_role("link", name="规范化检查录入").click()
    page.locator("li[data-round]", has_text=name).get_by_role("link").click()
    row = page.locator(f'li[data-round-village="{village["village_id"]}"]')
    expect(row).to_contain_text("待检查")
    row.get_by_text("录入检查结果").click()
    form = row.get_by_role("form")
    scores = form.locator('input[type="number"]')
    for i in range(scores.count()):
        scores.nth(i).fill(str(int(scores.nth(i).get_attribute("max")) - 1))
    scores.first.fill("99")
    form.get_by_role("button", name="提交检查结果").click()
    expect(form.locator('[data-error-for="scores"]')).to_contain_text("得分须在 0 到")
    scores.first.fill("9")
    form.get_by_role("button", name="添加发现的问题").click()
    form.get_by_label("问题描述").fill(problem)
    form.get_by_label("整改期限").fill((today() - dt.timedelta(days=1)).isoformat())
    form.get_by_role("button", name="提交检查结果").click()
    expect(form.locator('[data-error-for="findings"]')).to_contain_text("整改期限不能早于检查日期")
    fits()
    form.get_by_label("整改期限").fill((today() + dt.timedelta(days=20)).isoformat())
    form.get_by_role("button", name="提交检查结果").click()
    row = page.locator(f'li[data-round-village="{village["village_id"]}"]')
    expect(row).to_contain_text("发现问题 1 项，待整改 1 项")
    expect(row.locator(".badge")).to_contain_text(re.compile(r"\d+ / \d+ 分"))
    sign_out()

    # The village secretary reports it rectified with a photo.
    sign_in(secretary)
    page.get_by_role("link", name="村档案").click()
    finding = page.locator("li[data-finding]", has_text=problem)
    expect(finding).to_contain_text("整改中")
    finding.get_by_text("报送整改完成").click()
    finding.get_by_label("整改情况").fill("制度已统一制作上墙")
    finding.get_by_label("整改后照片（至少 1 张）").set_input_files(str(photo))
    finding.get_by_role("button", name="报送整改").click()
    finding = page.locator("li[data-finding]", has_text=problem)
    expect(finding).to_contain_text("已整改")
    expect(finding.get_by_role("group", name="整改凭证 1 份").locator("img")).to_be_visible()


def test_weak_organization_from_screening_to_acceptance(page, people, sign_in, sign_out, platform, photo, fits) -> None:
    district = people.need("district_admin")
    town_admin = people.need("town_admin")
    town = town_admin["scopes"]["town"]
    year = today().year
    cases = {c["village_id"]: c for c in api(platform, people, district, "/rectifications", town=town, year=year, limit=200)["items"]}  # fmt: skip
    villages = api(platform, people, district, "/villages", town=town, limit=200)["items"]
    free = [v for v in villages if cases.get(v["village_id"], {}).get("stage", "screened") == "screened"]
    if not free:
        pytest.skip("every village of the town is already designated this year")
    village = free[0]
    card = page.locator(f'li[data-weakness="{village["village_id"]}-{year}"]')

    # The town screens the village against the four criteria.
    sign_in(town_admin)
    page.get_by_role("link", name="软弱涣散排查整顿").click()
    page.get_by_text("排查一个村").first.click()
    form = page.get_by_role("form", name="排查一个村")
    form.get_by_label("村", exact=True).select_option(village["village_id"])
    form.get_by_label("班子软弱、战斗力不强").check()
    form.get_by_label("排查情况").fill("班子成员长期不在村，组织生活不正常")
    form.get_by_role("button", name="记录排查结果").click()
    expect(card).to_contain_text("已排查")
    expect(card).to_contain_text("班子软弱、战斗力不强")
    sign_out()

    # The district designates it; a criterion the screening did not find is refused.
    sign_in(district)
    page.get_by_role("link", name="软弱涣散排查整顿").click()
    page.get_by_label("镇", exact=True).select_option(town)
    card.get_by_text("确定为软弱涣散整顿对象").click()
    form = card.get_by_role("form")
    form.get_by_label("矛盾纠纷突出").check()
    form.get_by_label("确定理由").fill("班子战斗力不强")
    form.get_by_role("button", name="确定为整顿对象").click()
    expect(form.locator('[data-error-for="criteria"]')).to_contain_text("排查中未发现这些问题")
    form.get_by_label("矛盾纠纷突出").uncheck()
    form.get_by_role("button", name="确定为整顿对象").click()
    expect(card).to_contain_text("已确定为整顿对象")
    sign_out()

    # The town sets the plan; the district cannot accept while measures are open.
    sign_in(town_admin)
    page.get_by_role("link", name="软弱涣散排查整顿").click()
    card.get_by_text("制定整顿方案").click()
    form = card.get_by_role("form")
    form.get_by_label("包抓领导").fill("区委常委 张志强")
    form.get_by_label("工作专班（每行一人）").fill("组织部 刘洋\n镇党委副书记 王芳")
    form.get_by_label("整顿措施（每行一项）").fill("调整充实村两委班子\n规范三会一课")
    form.get_by_label("整顿期限").fill((today() + dt.timedelta(days=60)).isoformat())
    form.get_by_role("button", name="提交整顿方案").click()
    expect(card).to_contain_text("整顿中")
    expect(card).to_contain_text("整顿措施完成 0 / 2 项")
    fits()
    sign_out()

    sign_in(district)
    page.get_by_role("link", name="软弱涣散排查整顿").click()
    page.get_by_label("镇", exact=True).select_option(town)
    card.locator("summary", has_text="验收销号").click()
    card.get_by_role("button", name="验收销号").click()
    expect(card.get_by_role("form", name=re.compile("验收销号")).locator(".form-error")).to_contain_text(
        "还有 2 项整顿措施未完成"
    )
    sign_out()

    # The town reports both measures done with a photo each; then the district accepts.
    sign_in(town_admin)
    page.get_by_role("link", name="软弱涣散排查整顿").click()
    for done in (1, 2):
        card.get_by_text("报告整顿进展").click()
        form = card.get_by_role("form", name=re.compile("整顿进展"))
        form.get_by_label("进展情况").fill("已完成并经镇党委核实")
        form.get_by_label("佐证照片").set_input_files(str(photo))
        form.get_by_role("button", name="报告进展").click()
        expect(card).to_contain_text(f"整顿措施完成 {done} / 2 项")
    sign_out()

    sign_in(district)
    page.get_by_role("link", name="软弱涣散排查整顿").click()
    page.get_by_label("镇", exact=True).select_option(town)
    card.locator("summary", has_text="验收销号").click()
    card.get_by_label("验收意见").fill("整顿成效明显，验收合格")
    card.get_by_role("button", name="验收销号").click()
    expect(card).to_contain_text("已验收销号")
    fits()


def test_project_funding_and_investment_reach_the_district_ranking(page, people, sign_in, sign_out, fits) -> None:
    secretary = people.need("village_secretary")
    district = people.need("district_admin")
    town_row = lambda: page.get_by_role("region", name="镇书记项目进度排名").locator("tr", has=page.locator(f'[data-avg="{secretary["scopes"]["town"]}"]'))  # noqa: E731  # fmt: skip
    funder = f"区农业农村局 {uuid.uuid4().hex[:4]}"

    sign_in(district)
    page.get_by_role("link", name="村级看板").click()
    expect(town_row()).to_contain_text("万元")
    before = town_row().inner_text()
    sign_out()

    sign_in(secretary)
    page.get_by_role("link", name="村档案").click()
    page.locator("li[data-project] a").first.click()
    page.get_by_text("登记到位资金").click()
    form = page.get_by_role("form", name="登记到位资金")
    form.get_by_label("资金来源").select_option("pairing_unit")
    form.get_by_label("出资方").fill(funder)
    form.get_by_label("金额（元）").fill("-5")
    form.get_by_role("button", name="登记资金").click()
    expect(form.locator('[data-error-for="amount_fen"]')).not_to_be_empty()  # the service's message, by the field
    form.get_by_label("金额（元）").fill("300000")
    form.get_by_role("button", name="登记资金").click()
    funds = page.get_by_role("region", name="资金与收益", exact=True).last
    expect(funds.locator("tr", has_text=funder)).to_contain_text("到位资金（包联单位）")
    expect(funds.locator("tr", has_text=funder)).to_contain_text("300,000")
    page.locator("summary", has_text="登记招商引资").click()
    form = page.get_by_role("form", name="登记招商引资")
    form.get_by_label("投资方").fill(f"宝鸡某农业科技有限公司 {funder[-4:]}")
    form.get_by_label("金额（元）").fill("2000000")
    form.get_by_role("button", name="登记招商引资").click()
    expect(funds.locator("tr", has_text=f"宝鸡某农业科技有限公司 {funder[-4:]}")).to_contain_text("招商引资")
    fits()
    sign_out()

    sign_in(district)
    page.get_by_role("link", name="村级看板").click()
    for _ in range(20):
        expect(town_row()).to_contain_text("万元")
        if town_row().inner_text() != before:
            break
        page.get_by_role("button", name="刷新").click()
    expect(town_row()).not_to_have_text(before)
