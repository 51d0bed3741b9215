"""Moves one demo case through its history, verb by verb, through the services.

Nothing here writes Case.state: every step is a call to cases.actions / results /
extensions with a demo user as actor and a `now` that only moves forward. The few
writes that have no service yet (publishing, accountability, feedback, task links)
go through `record()` so each still leaves an event in the case's log.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cases import actions, results
from cases.deadlines import running_clock
from cases.extensions import approve_extension, request_extension
from cases.models import Assignment, Case, CaseState, ClockKind, Feedback, RectificationTask
from cases.routing import choose_rule
from cases.searchindex import sync_case
from cases.workflow import record_event

from . import texts
from .compose import referral_summary, result_text
from .timeline import Timeline


@dataclass
class World:
    now: datetime
    cats: dict
    depts: dict
    towns: dict
    intake: object
    head_env: object
    supervisor: object
    handlers: dict
    tasks: dict
    timeline: Timeline
    cases: dict = field(default_factory=dict)  # plan key → Case, for merges


class Driver:
    def __init__(self, world: World, plan, case: Case):
        self.w, self.p, self.case = world, plan, case
        self.t = case.received_at
        self.n = int(re.sub(r"\D", "", plan.key) or 0)

    # --- helpers ---------------------------------------------------------------
    def when(self, step: str, staff: bool = True) -> datetime:
        self.t = self.w.timeline.after(self.t, self.p.gaps.get(step, 0.1), staff)
        return self.t

    def pick(self, options):
        return options[self.n % len(options)]

    @property
    def lead(self):
        return self.w.handlers[self.case.lead_department.code]

    def other_dept(self):
        current = self.case.lead_department.code if self.case.lead_department_id else None
        for code in (self.p.alt_dept, self.p.manual_dept, "env", "urban"):
            if code != current:
                return self.w.depts[code]

    def record(self, kind: str, actor, *, internal: str = "", data: dict | None = None):
        record_event(self.case, kind, actor, self.t, internal_text=internal, data=data or {})

    # --- verbs -----------------------------------------------------------------
    def ensure_assigned(self):
        """What auto-routing could not place, the dispatch desk does by hand."""
        if self.case.state != CaseState.SUBMITTED:
            return
        rule = choose_rule(self.case.subcategory or self.case.category, None)
        dept = rule.department if rule else self.w.depts[self.p.manual_dept]
        self.dispatch_to(dept)

    def dispatch_to(self, dept):
        self.case = actions.dispatch(self.case, self.w.intake, dept, note="按职责分办",
                                     now=self.when("dispatch"))

    def return_case(self):
        self.case = actions.return_case(self.case, self.lead, self.pick(texts.RETURN_REASONS),
                                        now=self.when("return"))

    def accept(self):
        self.case = actions.accept(self.case, self.lead, now=self.when("accept"))
        for part in self._co(Assignment.State.ASSIGNED):
            results.accept_part(self.case, self.w.handlers[part.department.code], now=self.when("co_accept"))

    def _co(self, state: str) -> list[Assignment]:
        return list(Assignment.objects.filter(case=self.case, role=Assignment.Role.CO, is_active=True,
                                              state=state).select_related("department"))

    def transfer(self):
        dept = self.other_dept()
        reason = texts.TRANSFER_REASONS[0].format(dept=dept.name)
        self.case = actions.transfer(self.case, self.w.intake, dept, reason, now=self.when("transfer"))

    def extend(self):

        clock = running_clock(self.case, ClockKind.HANDLING, actions.lead_assignment(self.case))
        new_due = clock.due_at + timedelta(days=10)
        ext = request_extension(self.case, self.lead, new_due, "需委托第三方检测机构出具监测报告，检测周期较长。",
                                "需要等待检测报告，办理期限延长10天。", now=self.when("extension"))
        approve_extension(ext, self.w.intake, "同意延期。", now=self.when("approve"))

    def submit(self, step: str = "handle"):
        for part in self._co(Assignment.State.ACCEPTED):
            results.submit_part(self.case, self.w.handlers[part.department.code],
                                f"{part.department.name}已配合开展现场核查，并依职责完成相关处置。",
                                now=self.when("co_part"))
        dept, town = self.case.lead_department, self.case.township
        compose = referral_summary if self.case.batch_id else result_text
        text = compose(self.p.subtype or self.p.root, self.p.root, self.p.verdict, self.p.action_index,
                       self.case.title, dept.name, town.name if town else "")
        # Where the head approves results, only the head submits them to the intake desk.
        head_submits = dept.code == "env" and (self.n % 3 == 0 or dept.head_approval_required)
        actor = self.w.head_env if head_submits else self.lead
        self.case = results.submit_result(self.case, actor, findings=text.findings, reply=text.reply,
                                          public_summary=text.public_summary, now=self.when(step))

    def send_back(self):
        self.case = results.send_back(self.case, self.w.intake, self.pick(texts.SEND_BACK_REASONS),
                                      now=self.when("sendback"))

    def close(self, step: str = "review"):
        self.case = results.close(self.case, self.w.intake, now=self.when(step))

    def stage_close(self, task: RectificationTask):
        self.case = results.stage_close(self.case, self.w.intake, task, now=self.when("review"))

    def reopen(self, kind: str, reason: str):
        self.case = results.reopen(self.case, self.w.intake, reason, kind, now=self.when("reopen"))

    def reject(self, kind: str):
        reason, authority = texts.REJECT_REASONS[kind]
        self.case = actions.reject(self.case, self.w.intake, reason, authority, now=self.when("dispatch"))

    def merge_into(self, target: Case):
        self.case = actions.merge(self.case, self.w.intake, target, note="同一点位同一问题，合并办理。",
                                  now=self.when("merge"))

    # --- writes without a service yet --------------------------------------------
    def feedback(self, rating: int, comment: str):
        Feedback.objects.create(case=self.case, rating=rating, comment=comment,
                                created_at=self.when("feedback", staff=False))
        self.record("feedback_received", None, data={"rating": rating})

    def publish(self, accountability: str = "", sensitive: bool = False):
        """The intake desk records accountability and makes the result public (docs/product.md §4.5)."""
        self.when("publish")
        if accountability:
            Case.objects.filter(pk=self.case.pk).update(accountability=accountability)
            self.record("accountability_recorded", self.w.intake, internal=accountability)
        if self.p.public:
            Case.objects.filter(pk=self.case.pk).update(is_public=True, is_sensitive=sensitive)
            sync_case(self.case.pk)  # no service here yet, so its search entry is written by hand
            self.record("made_public", self.w.intake, data={"sensitive": sensitive})
        self.case.refresh_from_db()

    def link_task(self, task: RectificationTask):
        if not self.case.tasks.filter(pk=task.pk).exists():
            self.case.tasks.add(task)
            self.record("task_linked", self.w.intake, data={"task": task.pk, "task_number": task.number})
