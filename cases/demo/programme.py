"""The 18 rectification tasks (docs/product.md §1, §4.4) and their milestones.

Twelve are done and written off through a recorded verification; six are in
progress. Their colour on the wall chart follows from milestone dates relative to
`today`: four on track, one at risk (a milestone overdue), one late (deadline passed).
"""

from calendar import monthrange
from datetime import date, datetime, time, timedelta

from cases.calendar import SHANGHAI
from cases.models import Department, Milestone, RectificationTask

LEADERS = ["王建国（常务副市长）", "李文华（副市长）", "张海涛（副市长）", "刘志刚（副市长）", "陈晓梅（副市长）"]

# number → (title, lead, co-units, leader index, category code, status, start, deadline / months ahead)
# status "done" uses the fixed deadline; the others count months from today (negative: passed).
TASKS = {
    1: ("城区黑臭水体整治", "water", ["housing", "env"], 0, "black_odorous", "done", "2024-03-01", "2025-10-31"),
    2: ("工业园区污水处理厂提标改造", "housing", ["env"], 0, "sewage", "done", "2024-04-15", "2025-12-31"),
    3: ("非法采砂专项整治", "water", ["nrp", "police"], 2, "illegal_sand", "done", "2024-05-01", "2025-09-30"),
    4: ("建筑工地扬尘管控", "housing", ["urban", "transport"], 1, "dust", "done", "2024-03-15", "2025-08-31"),
    5: ("餐饮油烟治理", "urban", ["market", "env"], 1, "cooking_fumes", "done", "2024-06-01", "2025-11-30"),
    6: ("危险废物规范化管理", "env", ["police", "transport"], 3, "hazardous_waste", "done", "2024-07-01",
        "2026-03-31"),
    7: ("矿山生态修复", "nrp", ["env", "agri"], 2, "illegal_mining", "on_track", "2025-01-10", 10),
    8: ("农村生活污水治理", "env", ["agri", "housing"], 4, "sewage", "on_track", "2025-03-01", 7),
    9: ("秸秆禁烧", "agri", ["env", "gov-liyuan", "gov-beishan"], 4, "burning", "done", "2024-09-01",
        "2025-06-30"),
    10: ("饮用水水源地保护区违建清理", "water", ["nrp", "env"], 0, "water", "done", "2024-05-20", "2026-06-30"),
    11: ("重点行业挥发性有机物治理", "env", ["market"], 3, "odour", "done", "2024-08-01", "2026-05-31"),
    12: ("建筑垃圾非法倾倒整治", "urban", ["housing", "transport", "police"], 1, "illegal_dumping", "done",
         "2024-10-01", "2026-04-30"),
    13: ("化工企业搬迁遗留地块土壤污染治理", "env", ["nrp"], 3, "soil", "at_risk", "2025-02-01", 5),
    14: ("城市噪声污染防治", "env", ["police", "transport", "housing"], 1, "noise", "done", "2025-01-01",
         "2026-09-30"),
    15: ("小清河流域入河排污口整治", "env", ["water"], 0, "industrial_wastewater", "late", "2025-01-15", -1),
    16: ("湿地保护与修复", "nrp", ["water", "agri"], 2, "ecology", "on_track", "2025-04-01", 9),
    17: ("畜禽养殖污染治理", "agri", ["env"], 4, "other", "done", "2024-11-01", "2026-08-31"),
    18: ("生态环境监测监控能力建设", "env", [], 3, "radiation", "on_track", "2025-06-01", 4),
}
MILESTONES = ["印发整改实施方案，明确责任清单", "完成排查摸底，建立问题台账", "完成主体整治工程",
              "开展成效评估，申请验收销号"]


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


def _milestone_dates(start: date, deadline: date) -> list[date]:
    """Scheduled back from the deadline (倒排工期): evenly spaced, the last on the deadline."""
    span = (deadline - start).days
    n = len(MILESTONES)
    return [deadline - timedelta(days=span * (n - 1 - i) // n) for i in range(n)]


def _completion(status: str, due: date, index: int, today: date) -> date | None:
    early = timedelta(days=3 + index * 2)
    if status == "done":
        return min(due - early, today - timedelta(days=30))
    if status == "at_risk" and index == 2:
        return None  # the main works are three weeks overdue: the task is at risk
    if status == "late" and index == len(MILESTONES) - 1:
        return None  # the deadline passed without the final milestone
    return due - early if due <= today else None


def seed_tasks(depts: dict[str, Department], verifier, today: date) -> dict[int, RectificationTask]:
    tasks = {}
    for number, (title, lead, co, leader, _cat, status, start, spec) in TASKS.items():
        deadline = _deadline(spec, today)
        start_date = date.fromisoformat(start)
        task, _c = RectificationTask.objects.update_or_create(number=number, defaults={
            "title": title, "responsible_leader": LEADERS[leader], "lead_department": depts[lead],
            "start_date": start_date, "deadline": deadline, **_texts(title, depts[lead]),
        })
        task.co_departments.set([depts[c] for c in co])
        done = _seed_milestones(task, status, start_date, deadline, today)
        _verify(task, status, done, verifier)
        tasks[number] = task
    return tasks


def _seed_milestones(task, status: str, start: date, deadline: date, today: date) -> date | None:
    last_done = None
    for index, (title, due) in enumerate(zip(MILESTONES, _milestone_dates(start, deadline), strict=True)):
        if status == "at_risk" and index == 2:
            due = today - timedelta(days=21)
        completed = _completion(status, due, index, today)
        evidence = f"{task.lead_department.short_name}报送佐证材料（{completed:%Y年%m月%d日}）" if completed else ""
        Milestone.objects.update_or_create(task=task, sort_order=index + 1, defaults={
            "title": title, "due_date": due, "completed_at": completed, "evidence": evidence, "weight": 1,
        })
        last_done = completed or last_done
    return last_done if status == "done" else None


def _verify(task, status: str, completed: date | None, verifier) -> None:
    if status == "done":
        # Write-off is recorded with who checked it and when (docs/product.md §4.4).
        task.completed_at = completed
        task.verified_at = datetime.combine(completed + timedelta(days=20), time(10, 0), tzinfo=SHANGHAI)
        task.verified_by = verifier
        task.verification_note = "经市整改办组织牵头单位、配合单位和第三方机构现场验收，整改目标全部完成，同意验收销号。"
    else:
        task.completed_at = task.verified_at = task.verified_by = None
        task.verification_note = ""
    # save(), not update(): Wagtail's reference index follows the verifier link.
    task.save(update_fields=["completed_at", "verified_at", "verified_by", "verification_note"])
