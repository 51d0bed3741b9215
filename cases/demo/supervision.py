"""Demo supervision: orders, accountability records, a look-back round and the two
progress snapshots (the earlier one frozen before the last central batch arrived, so the
report shows the change since the last report). All through the services; idempotent."""

from datetime import date, datetime, timedelta

from cases.calendar import local_date
from cases.models import (
    AccountabilityRecord,
    Case,
    CaseSource,
    CaseState,
    OrderLevel,
    ProgressSnapshot,
    SpotCheckRound,
    SupervisionOrder,
)
from cases.reports.snapshots import freeze_snapshot, write_texts
from cases.supervision.accountability import record_accountability
from cases.supervision.orders import accept_reply, issue_order, reply_to_order
from cases.supervision.spotchecks import draw_round, record_outcome

FIRST_REPORT_AS_OF = date(2025, 6, 18)  # the day before the 8th central batch arrived
ROUND_NAME = "2026年第一轮回头看抽查"
ROUND_SEED = 20260315
PROBLEMS = ("一是个别乡镇对反弹问题重视不够，河道非法采砂问题出现反弹；\n"
            "二是部分整改任务节点滞后，长效机制尚不健全。")
NEXT_STEPS = ("一是对反弹问题挂牌督办，限期彻底整改；\n二是持续开展“回头看”抽查，巩固整改成效；\n"
              "三是严格督查考核，对整改不力的单位和个人严肃问责。")

# (unit, department code or None, form, person name, post, public, reason, authority, batch number)
RECORDS = [
    ("", "gov-baisha", "interview", "", "", False, "交办信访件反复投诉，整改进度滞后", "市生态环境保护督察整改工作领导小组", 2),
    ("某建材有限公司", None, "interview", "", "", False, "扬尘污染问题整改不到位", "市生态环境局", 3),
    ("", "gov-baisha", "admonishment", "王某", "分管副镇长", True, "履行属地监管责任不力", "市纪委监委", 2),
    ("", "water", "criticism", "", "", False, "河道采砂问题监管缺位", "市委、市政府督查室", 8),
    ("", "water", "sanction", "李某", "科长", False, "对非法采砂问题失察失责", "市纪委监委", 8),
]


def freeze_first_report(log) -> None:
    """Called between the central batches: the previous report's figures."""
    if not ProgressSnapshot.objects.filter(as_of=FIRST_REPORT_AS_OF).exists():
        freeze_snapshot(None, FIRST_REPORT_AS_OF)
        log(f"progress snapshot as of {FIRST_REPORT_AS_OF}")


def seed_supervision(world, users: dict, depts: dict, now: datetime, log) -> None:
    supervisor = users["demo_supervisor"]
    if not SupervisionOrder.objects.exists():
        _orders(world, supervisor, users, now)
    if not AccountabilityRecord.objects.exists():
        _records(supervisor, depts, now)
    if not SpotCheckRound.objects.filter(name=ROUND_NAME).exists():
        rnd = draw_round(supervisor, name=ROUND_NAME, share_percent=5, seed=ROUND_SEED, now=now - timedelta(days=20))
        for item in list(rnd.items.select_related("case"))[:4]:
            record_outcome(item, supervisor, "confirmed", "现场复核，整改成效巩固，未发现反弹。",
                           now=now - timedelta(days=10))
    today = local_date(now)
    if not ProgressSnapshot.objects.filter(as_of=today).exists():
        snapshot = freeze_snapshot(users.get("demo_office"), today, now=now)
        write_texts(snapshot, users["demo_office"], problems=PROBLEMS, next_steps=NEXT_STEPS)
    log(f"supervision: {SupervisionOrder.objects.count()} orders, {AccountabilityRecord.objects.count()} "
        f"accountability records, {ProgressSnapshot.objects.count()} progress snapshots")


def _orders(world, supervisor, users, now) -> None:
    overdue = (Case.objects.filter(state=CaseState.IN_PROGRESS, is_overdue=True, lead_department__isnull=False)
               .order_by("received_at").first())
    if overdue is not None:
        issue_order(supervisor, case=overdue, level=OrderLevel.SUPERVISION, departments=[overdue.lead_department],
                    required_action="该件已超期，请于5个工作日内查明原因、报送整改进展和下一步措施。",
                    now=now - timedelta(days=2))
    relapse = Case.objects.filter(source=CaseSource.CENTRAL, state=CaseState.IN_PROGRESS).first()
    if relapse is not None and relapse.lead_department_id:
        issue_order(supervisor, case=relapse, level=OrderLevel.LISTED, departments=[relapse.lead_department],
                    required_action="回头看发现非法采砂问题反弹，挂牌督办：立即制止，彻底整改，每周报送进展。",
                    now=now - timedelta(days=3))
    answered = (Case.objects.filter(state=CaseState.CLOSED, lead_department=users["demo_handler_env"]
                                    .staff_profile.department).order_by("-closed_at").first())
    if answered is not None:
        order = issue_order(supervisor, case=answered, level=OrderLevel.REMINDER,
                            departments=[answered.lead_department], required_action="请补充整改前后对比照片。",
                            now=now - timedelta(days=9))
        order = reply_to_order(order, users["demo_handler_env"], "已补充整改前后对比照片并上传。",
                               now=now - timedelta(days=7))
        accept_reply(order, supervisor, "材料齐全，同意。", now=now - timedelta(days=6))
    late_task = next((t for t in world.tasks.values() if not t.verified_at), None)
    if late_task is not None:
        issue_order(supervisor, task=late_task, level=OrderLevel.SUPERVISION, departments=[late_task.lead_department],
                    required_action="请对照倒排工期报送滞后节点的赶工措施。", now=now - timedelta(days=1))


def _records(supervisor, depts, now) -> None:
    from cases.models import ReferralBatch

    for unit, dept, form, person, post, public, reason, authority, batch_number in RECORDS:
        batch = ReferralBatch.objects.get(source=CaseSource.CENTRAL, number=batch_number)
        cases = list(Case.objects.filter(batch=batch, state=CaseState.CLOSED).order_by("batch_sequence")[:1])
        department = depts[dept] if dept else None
        record_accountability(supervisor, unit_name=department.name if department else unit, department=department,
                              form=form,
                              person_name=person, person_post=post, is_public=public, reason=reason,
                              decided_on=(now - timedelta(days=40)).date(), authority=authority, cases=cases,
                              batches=[batch], now=now)
