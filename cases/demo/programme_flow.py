"""One demo task's history, acted out through the programme services at past times."""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from cases.calendar import SHANGHAI, WorkCalendar
from cases.models import Department, RectificationTask
from cases.programme import ledger, progress, writeoff
from cases.programme.scheduling import Step, plan_backwards

DONE, AT_RISK, LATE = "done", "at_risk", "late"


@dataclass
class TaskSpec:
    number: int
    title: str
    lead: Department
    co: list
    leader: str
    post: str
    status: str
    start: date
    deadline: date
    problem: str = ""
    target: str = ""
    measures: str = ""
    extra: dict = field(default_factory=dict)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI)


def _working(calendar: WorkCalendar, day: date) -> date:
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def photo_file(text: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 420), (92, 140, 96))
    ImageDraw.Draw(image).rectangle((40, 260, 600, 380), fill=(70, 110, 160))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(f"{text}.jpg", out.getvalue())


def pdf_file(name: str) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    return SimpleUploadedFile(f"{name}.pdf", body + b"trailer<</Root 1 0 R>>\n%%EOF\n")


def run(spec: TaskSpec, steps, office, handlers: dict, calendar: WorkCalendar, now: datetime) -> RectificationTask:
    today = now.astimezone(SHANGHAI).date()
    start = _working(calendar, spec.start)
    created_at = at(start, 9)
    task = ledger.create_task(ledger.TaskInput(
        number=spec.number, title=spec.title, problem=spec.problem, source="feedback", responsible_leader=spec.leader,
        leader_post=spec.post, lead_department=spec.lead, co_departments=spec.co, target=spec.target,
        measures=spec.measures, deadline=spec.deadline, start_date=spec.start), office, now=created_at)
    plan = plan_backwards([Step(title, share) for title, share in steps], spec.deadline, start, calendar)
    rows = [(p.title, p.due_date, spec.co[0] if i == 1 and spec.co else None) for i, p in enumerate(plan)]
    milestones = ledger.save_schedule(task, office, rows, expected_version=task.version, now=created_at)
    horizon = today if spec.status in (DONE, LATE, AT_RISK) else today + timedelta(days=14)
    last_done = None
    for index, m in enumerate(milestones):
        finishing = spec.status == DONE or (m.due_date <= horizon and not (spec.status == LATE and
                                                                           index == len(milestones) - 1))
        if spec.status == AT_RISK and m.due_date > today:
            finishing = False
        reporter = handlers[(m.department or spec.lead).code]
        if not finishing:
            _report_open(m, reporter, index, today)
            continue
        last_done = _finish(m, reporter, office, index, calendar, today, spec.status == DONE)
    if spec.status == AT_RISK:
        _bring_forward(task, office, calendar, today, now)
    if spec.status == DONE:
        _write_off(task, office, handlers[spec.lead.code], calendar, last_done)
    task.refresh_from_db()
    return task


def _finish(m, reporter, office, index: int, calendar, today: date, done_task: bool) -> date:
    early = timedelta(days=3 + index * 2)
    day = _working(calendar, min(m.due_date - early, today - timedelta(days=30 if done_task else 2)))
    files = [pdf_file(f"{m.title}佐证材料")]
    if index == 2:
        files.append(photo_file("整治后现场"))
    progress.post_progress(m, reporter, 100, f"{m.title}已完成，报送佐证材料。", files, now=at(day, 9))
    progress.report_done(m, reporter, now=at(day, 11))
    progress.accept_milestone(m, office, now=at(day, 16))
    photo = m.evidence_files.filter(kind="photo").first()
    if photo is not None:
        progress.set_evidence_public(photo, office, True, now=at(day, 17))
    return day


def _report_open(m, reporter, index: int, today: date) -> None:
    if m.due_date - today > timedelta(days=120):
        return  # not started yet
    progress.post_progress(m, reporter, 60, f"{m.title}正在推进，已完成约六成。", now=at(today - timedelta(days=3), 15))


def _bring_forward(task, office, calendar, today: date, now: datetime) -> None:
    """The office moves the next open milestone forward: due within two weeks, not done yet."""
    m = task.milestones.filter(completed_at__isnull=True).order_by("sort_order").first()
    target = _working(calendar, today + timedelta(days=10))
    if m is not None and m.due_date > target:
        ledger.set_milestone_due(m, office, target, expected_version=m.version, now=now)


def _write_off(task, office, lead_handler, calendar, last_done: date) -> None:
    submitted = _working(calendar, last_done + timedelta(days=2))
    writeoff.submit_for_writeoff(task, lead_handler, now=at(submitted, 9))
    verified = _working(calendar, submitted + timedelta(days=3))
    writeoff.record_verification(
        task, office, verified_on=verified, verified_by="市整改办会同牵头单位、配合单位和第三方监测机构", method="on_site",
        findings="经现场验收，整改目标全部完成，同意进入销号公示。", files=[pdf_file("验收意见")], now=at(verified, 15))
    task.refresh_from_db()
    writeoff.write_off(task, office, now=at(calendar.add_working_days(task.notice_ends_on, 1), 10))
