import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from cases import roles
from cases.programme import ledger, progress, writeoff
from tests import factories as f

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SH)  # a Monday, ordinary working day


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English here (the catalogue translates them)."""
    with translation.override("en"):
        yield


@pytest.fixture
def office(city):
    return f.user("office", roles.OFFICE, city.desk)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=SH).replace(hour=hour)


def task_input(city, **kw) -> ledger.TaskInput:
    values = dict(number=1, title="城区黑臭水体整治", problem="督察发现黑臭水体反弹", source="feedback",
                  responsible_leader="王建国", leader_post="常务副市长", lead_department=city.env,
                  co_departments=[city.water], target="消除黑臭", measures="截污纳管", deadline=date(2026, 9, 30))
    values.update(kw)
    return ledger.TaskInput(**values)


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def pdf_bytes(extra: bytes = b"") -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\n" + extra + b"trailer<<>>\n%%EOF\n"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def scheduled_task(city, office, **kw):
    """A task with two milestones (the second on the co-department), made at T0."""
    task = ledger.create_task(task_input(city, **kw), office, now=T0)
    m1, m2 = ledger.save_schedule(task, office, [("制定方案", date(2026, 4, 30)),
                                                 ("完成主体工程", date(2026, 8, 31), city.water)],
                                  expected_version=0, now=T0)
    task.refresh_from_db()
    return task, m1, m2


def complete_milestones(city, office, task, when=T0 + timedelta(days=7)):
    for m in task.milestones.order_by("sort_order"):
        reporter = city.env_handler if m.department_id in (None, city.env.pk) else city.water_handler
        progress.report_done(m, reporter, now=when)
        progress.accept_milestone(m, office, now=when)


def in_notice(city, office, task, when=None):
    when = when or at("2026-03-16")
    complete_milestones(city, office, task)
    writeoff.submit_for_writeoff(task, city.env_handler, now=when)
    writeoff.record_verification(task, office, verified_on=when.date(), verified_by="市整改办、第三方监测机构",
                                 method="on_site", findings="现场检查，整改到位", now=when)
    task.refresh_from_db()
    return task
