"""Cases and tasks built through the case engine's services, for the CMS tests."""

from datetime import date, datetime, timedelta
from itertools import count

from cases.actions import accept
from cases.intake import ReporterInput, ReportInput, submit_case
from cases.models import Case, CaseSource, Milestone, RectificationTask, ReferralBatch
from cases.results import close, submit_result
from cases.searchindex import sync_case
from tests.cases.conftest import SH, T0

FINDINGS = "内部核查记录：执法人员王五现场取证（仅内部可见）"
REPORTER = ReporterInput(name="举报人赵六", phone="13912345678", email="zhao6@example.org", ip_address="10.9.8.7")
_codes = count(1)


def handler_for(case: Case, city):
    return {city.env.pk: city.env_handler, city.water.pk: city.water_handler,
            city.build.pk: city.build_handler}[case.lead_department_id]


def close_case(case: Case, city, *, summary="某化工厂偷排污水问题已整改到位。", reply="经查属实，已责令整改。",
               public=True, sensitive=False, late=False) -> Case:
    """accept → submit result → close; `late` closes after the handling clock was due."""
    start = case.received_at + timedelta(hours=2)
    handler = handler_for(case, city)
    case = accept(case, handler, now=start)
    done = start + (timedelta(days=60) if late else timedelta(days=1))
    case = submit_result(case, handler, findings=FINDINGS, reply=reply, public_summary=summary, now=done)
    case = close(case, city.intake, now=done + timedelta(hours=1))
    Case.objects.filter(pk=case.pk).update(is_public=public, is_sensitive=sensitive)
    sync_case(case.pk)  # a shortcut past the publicity service: its search entry as the reconcile writes it
    case.refresh_from_db()
    return case


def batch(source=CaseSource.CENTRAL, number=1) -> ReferralBatch:
    received = datetime(2026, 2, 20, 10, 0, tzinfo=SH)
    return ReferralBatch.objects.create(source=source, number=number, title=f"第{number}批", received_at=received,
                                        due_at=received + timedelta(days=10))


def referral(city, referral_batch: ReferralBatch, *, category=None, description="来信反映：某化工厂夜间偷排污水",
             township=None, sequence=None, lat=36.55, lng=117.05) -> Case:
    n = next(_codes)
    report = ReportInput(category=category or city.water_cat, description=description, latitude=lat,
                         longitude=lng, location_source="pin", source=referral_batch.source,
                         batch=referral_batch, batch_sequence=sequence or n,
                         original_code=f"D3SX2026022{n:07d}", township=township)
    return submit_case(report, REPORTER, now=T0).case


def task(number: int, department, *, start="2025-01-01", deadline="2026-12-31", verified=False,
         milestones=((("方案", "2025-06-30"), True), (("工程", "2026-10-31"), False))) -> RectificationTask:
    t = RectificationTask.objects.create(
        number=number, title=f"整改任务{number}", problem="问题", responsible_leader="王副市长",
        lead_department=department, target="目标", measures="措施", start_date=date.fromisoformat(start),
        deadline=date.fromisoformat(deadline))
    for i, ((title, due), done) in enumerate(milestones):
        due_date = date.fromisoformat(due)
        Milestone.objects.create(task=t, sort_order=i, title=title, due_date=due_date,
                                 completed_at=due_date - timedelta(days=3) if done else None,
                                 state="accepted" if done else "open", percent=100 if done else 0,
                                 evidence="佐证材料" if done else "")
    if verified:
        RectificationTask.objects.filter(pk=t.pk).update(verified_at=datetime(2026, 1, 5, tzinfo=SH), state="written_off",
                                                         completed_at=date(2026, 1, 1))
        t.refresh_from_db()
    return t
