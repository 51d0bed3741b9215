"""The 18 rectification tasks (PRODUCT §1, §4.4), made through the programme services.

The rectification office enters each task, schedules it backwards with the demo template,
departments report progress with evidence files and mark milestones done, the office
verifies them; twelve tasks are then submitted, verified, publicly noticed and written off.
Six stay in progress; their colour on the wall chart follows from dates: four on track,
one at risk (the office moved its next milestone to within two weeks), one late (deadline
passed with the last milestone open). Every figure is computed from these records.
"""

from calendar import monthrange
from datetime import date, datetime, timedelta

from cases.calendar import SHANGHAI, load_calendar
from cases.models import Department, MilestoneTemplate, MilestoneTemplateStep, RectificationTask

from . import programme_flow

LEADERS = ["王建国（常务副市长）", "李文华（副市长）", "张海涛（副市长）", "刘志刚（副市长）", "陈晓梅（副市长）"]

# number → (title, lead, co-units, leader index, category code, status, start, deadline / months ahead)
# status "done" uses the fixed deadline; the others count months from today (negative: passed).
TASKS = {
    1: ("城区黑臭水体整治", "water", ["housing", "env"], 0, "black_odorous", "done", "2025-01-06", "2025-10-31"),
    2: ("工业园区污水处理厂提标改造", "housing", ["env"], 0, "sewage", "done", "2025-01-15", "2025-12-31"),
    3: ("非法采砂专项整治", "water", ["nrp", "police"], 2, "illegal_sand", "done", "2025-01-20", "2025-09-30"),
    4: ("建筑工地扬尘管控", "housing", ["urban", "transport"], 1, "dust", "done", "2025-01-08", "2025-08-31"),
    5: ("餐饮油烟治理", "urban", ["market", "env"], 1, "cooking_fumes", "done", "2025-02-10", "2025-11-30"),
    6: ("危险废物规范化管理", "env", ["police", "transport"], 3, "hazardous_waste", "done", "2025-03-03",
        "2026-03-31"),
    7: ("矿山生态修复", "nrp", ["env", "agri"], 2, "illegal_mining", "on_track", "2025-01-10", 10),
    8: ("农村生活污水治理", "env", ["agri", "housing"], 4, "sewage", "on_track", "2025-03-01", 7),
    9: ("秸秆禁烧", "agri", ["env", "gov-liyuan", "gov-beishan"], 4, "burning", "done", "2025-01-13",
        "2025-06-30"),
    10: ("饮用水水源地保护区违建清理", "water", ["nrp", "env"], 0, "water", "done", "2025-02-17", "2026-06-30"),
    11: ("重点行业挥发性有机物治理", "env", ["market"], 3, "odour", "done", "2025-03-10", "2026-05-31"),
    12: ("建筑垃圾非法倾倒整治", "urban", ["housing", "transport", "police"], 1, "illegal_dumping", "done",
         "2025-03-17", "2026-04-30"),
    13: ("化工企业搬迁遗留地块土壤污染治理", "env", ["nrp"], 3, "soil", "at_risk", "2025-02-01", 5),
    14: ("城市噪声污染防治", "env", ["police", "transport", "housing"], 1, "noise", "done", "2025-01-01",
         "2026-09-30"),
    15: ("小清河流域入河排污口整治", "env", ["water"], 0, "industrial_wastewater", "late", "2025-01-15", -1),
    16: ("湿地保护与修复", "nrp", ["water", "agri"], 2, "ecology", "on_track", "2025-04-01", 9),
    17: ("畜禽养殖污染治理", "agri", ["env"], 4, "other", "done", "2025-04-01", "2026-08-31"),
    18: ("生态环境监测监控能力建设", "env", [], 3, "radiation", "on_track", "2025-06-01", 4),
}
TEMPLATE = "五步倒排法"
STEPS = [("制定整改实施方案", 10), ("组织实施，完成排查摸底", 40), ("完成主体整治工程", 30), ("自查自验", 10),
         ("申请验收销号", 10)]


def _month_end(today: date, months: int) -> date:
    month_index = today.year * 12 + today.month - 1 + months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, monthrange(year, month + 1)[1])


def _deadline(spec, today: date) -> date:
    if isinstance(spec, int):
        return today - timedelta(days=29) if spec < 0 else _month_end(today, spec)
    return date.fromisoformat(spec)


def _texts(title: str, lead: Department) -> dict:
    return {
        "problem": f"督察发现，{title}工作推进不力，问题整改不到位，群众反映强烈。",
        "target": f"到期限前全面完成{title}，问题点位整改到位，建立长效监管机制，群众满意度明显提升。",
        "measures": (f"1. 由{lead.name}牵头制定实施方案，倒排工期、挂图作战；"
                     "2. 开展全面排查，建立问题清单、责任清单和整改清单；"
                     "3. 实行周调度、月通报，对进度滞后的单位进行督办；"
                     "4. 整改完成后组织验收，按程序销号并向社会公开。"),
    }


def seed_template() -> MilestoneTemplate:
    template, _created = MilestoneTemplate.objects.get_or_create(
        name=TEMPLATE, defaults={"description": "制定方案 → 组织实施 → 完成主体工程 → 自查自验 → 申请销号"})
    for order, (title, share) in enumerate(STEPS, start=1):
        MilestoneTemplateStep.objects.update_or_create(template=template, sort_order=order,
                                                       defaults={"title": title, "share": share})
    return template


def seed_tasks(depts: dict[str, Department], office, handlers: dict, now: datetime) -> dict[int, RectificationTask]:
    """The 18 tasks; a task whose number exists already is left as it is (the seed reruns)."""
    seed_template()
    today = now.astimezone(SHANGHAI).date()
    calendar = load_calendar()
    tasks = {}
    for number, (title, lead, co, leader, _cat, status, start, spec) in TASKS.items():
        existing = RectificationTask.objects.filter(number=number).first()
        if existing is not None:
            tasks[number] = existing
            continue
        leader_name, post = LEADERS[leader].rstrip("）").split("（")
        spec_row = programme_flow.TaskSpec(
            number=number, title=title, lead=depts[lead], co=[depts[c] for c in co], leader=leader_name, post=post,
            status=status, start=date.fromisoformat(start), deadline=_deadline(spec, today), **_texts(title, depts[lead]))
        tasks[number] = programme_flow.run(spec_row, STEPS, office, handlers, calendar, now)
    return tasks

