"""What the case page offers: each action's form, when it is available and the
one service it calls. Availability starts from workflow.allowed_actions, so the
buttons follow the same table the engine enforces."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import actions, extensions, results, roles
from cases.calendar import end_of_day
from cases.headreview import services as headreview
from cases.models import Assignment, Case, CaseState, ClockKind, ExtensionRequest
from cases.workbench import forms as f
from cases.workbench import services
from cases.workflow import WorkflowError, add_note, allowed_actions


class Situation:
    """What the user may do on this case now; each fact is read once per request."""

    def __init__(self, user, case: Case):
        self.user, self.case = user, case
        self.is_intake = roles.has_role(user, roles.INTAKE)
        self.is_department = roles.has_role(user, roles.HANDLER, roles.HEAD)

    @cached_property
    def allowed(self) -> set[str]:
        return set(allowed_actions(self.user, self.case))

    @cached_property
    def my_assignment(self) -> Assignment | None:
        dept = roles.department_id_of(self.user) if self.is_department else None
        if dept is None:
            return None
        return Assignment.objects.filter(case=self.case, department_id=dept, is_active=True).first()

    @cached_property
    def head_review_pending(self) -> bool:
        return headreview.pending_review(self.case) is not None

    @cached_property
    def pending_extension(self) -> ExtensionRequest | None:
        return (ExtensionRequest.objects.filter(case=self.case, state=ExtensionRequest.State.PENDING)
                .select_related("assignment__department", "requested_by").first())

    def my_part(self, *states) -> bool:
        a = self.my_assignment
        return bool(a and a.role == Assignment.Role.CO and a.state in states and self.case.state in CaseState.WITH_DEPARTMENT)

    def can_request_extension(self) -> bool:
        a = self.my_assignment
        return bool(a and self.case.state == CaseState.IN_PROGRESS and self.pending_extension is None
                    and a.clocks.filter(kind=ClockKind.HANDLING, stopped_at__isnull=True).exists())

    def can_add_evidence(self) -> bool:
        if self.case.state in CaseState.DISMISSED:
            return False
        return self.is_intake or self.my_assignment is not None


@dataclass(frozen=True)
class ActionSpec:
    name: str
    label: str
    form_class: type
    available: Callable[[Situation], bool]
    perform: Callable[[object, Case, object], str]
    danger: bool = False


def _transition(verb: str) -> Callable[[Situation], bool]:
    return lambda s: verb in s.allowed


def _v(form) -> int:
    return form.cleaned_data["version"]


def _dispatch(form, case, user):
    cd = form.cleaned_data
    actions.dispatch(case, user, cd["department"], cd["co_departments"], note=cd["note"], expected_version=_v(form))
    return _("The case was dispatched to %(dept)s.") % {"dept": cd["department"].name}


def _transfer(form, case, user):
    cd = form.cleaned_data
    actions.transfer(case, user, cd["department"], cd["reason"], co_departments=cd["co_departments"],
                     expected_version=_v(form))
    return _("The case was transferred to %(dept)s.") % {"dept": cd["department"].name}


def _merge(form, case, user):
    target = form.cleaned_data["target"]
    actions.merge(case, user, target, note=form.cleaned_data["note"], expected_version=_v(form))
    return _("The case was merged into %(ref)s.") % {"ref": target.reference}


def _submit_result(form, case, user):
    cd = form.cleaned_data
    results.submit_result(case, user, findings=cd["findings"], reply=cd["reply"],
                          public_summary=cd["public_summary"], co_note=cd["co_note"], expected_version=_v(form))
    return _("The result was submitted for verification.")


def _propose_result(form, case, user):
    cd = form.cleaned_data
    headreview.propose(case, user, findings=cd["findings"], reply=cd["reply"], public_summary=cd["public_summary"],
                       co_note=cd["co_note"], expected_version=_v(form))
    return _("The result was sent to the department head for approval.")


def _approve_result(form, case, user):
    cd = form.cleaned_data
    headreview.approve(case, user, findings=cd["findings"], reply=cd["reply"], public_summary=cd["public_summary"],
                       co_note=cd["co_note"], expected_version=_v(form))
    return _("The result was approved and sent to the intake desk for verification.")


def _request_extension(form, case, user):
    cd = form.cleaned_data
    extensions.request_extension(case, user, end_of_day(cd["new_due"]), cd["reason"], cd["public_reason"],
                                 expected_version=_v(form))
    return _("The extension request was sent to the intake desk.")


def _decide_extension(approve: bool):
    def perform(form, case, user):
        ext = ExtensionRequest.objects.filter(case=case, state=ExtensionRequest.State.PENDING).first()
        if ext is None:
            raise WorkflowError(_("This request has already been decided."))
        if approve:
            extensions.approve_extension(ext, user, form.cleaned_data["note"], expected_version=_v(form))
            return _("The extension was approved.")
        extensions.refuse_extension(ext, user, form.cleaned_data["note"], expected_version=_v(form))
        return _("The extension was refused.")

    return perform


def _note(form, case, user):
    add_note(case, user, form.cleaned_data["text"], public=form.cleaned_data.get("public", False),
             expected_version=_v(form))
    return _("The note was added.")


def _evidence(form, case, user):
    cd = form.cleaned_data
    photos = services.add_evidence(case, user, cd["photos"], cd["kind"], cd["caption"], expected_version=_v(form))
    return _("%(count)s photo(s) added.") % {"count": len(photos)}


def _publicity(form, case, user):
    cd = form.cleaned_data
    photos = cd.get("public_photos")
    services.set_publicity(case, user, is_public=cd["is_public"], is_sensitive=cd["is_sensitive"],
                           public_summary=cd["public_summary"], expected_version=_v(form),
                           public_photo_ids=None if photos is None else [p.pk for p in photos])
    return _("What the public sees of this case was saved.")


def _simple(call: Callable, message: str):
    def perform(form, case, user):
        call(form, case, user)
        return str(message)

    return perform


SPECS: dict[str, ActionSpec] = {s.name: s for s in [
    ActionSpec("dispatch", gettext_lazy("Dispatch"), f.DispatchForm, _transition("dispatch"), _dispatch),
    ActionSpec("accept", gettext_lazy("Accept the case"), f.ConfirmForm, _transition("accept"), _simple(
        lambda fm, c, u: actions.accept(c, u, expected_version=_v(fm)), gettext_lazy("The case was accepted."))),
    ActionSpec("return", gettext_lazy("Return to the dispatch desk"), f.ReasonForm, _transition("return"), _simple(
        lambda fm, c, u: actions.return_case(c, u, fm.cleaned_data["reason"], expected_version=_v(fm)),
        gettext_lazy("The case was returned to the dispatch desk.")), danger=True),
    ActionSpec("accept_part", gettext_lazy("Accept our part"), f.ConfirmForm, lambda s: s.my_part(Assignment.State.ASSIGNED),
               _simple(lambda fm, c, u: results.accept_part(c, u, expected_version=_v(fm)), gettext_lazy("Your department accepted its part."))),
    ActionSpec("submit_part", gettext_lazy("Submit our part"), f.PartForm, lambda s: s.my_part(Assignment.State.ACCEPTED),
               _simple(lambda fm, c, u: results.submit_part(c, u, fm.cleaned_data["contribution"],
                                                            expected_version=_v(fm)),
                       gettext_lazy("Your department's part was submitted."))),
    ActionSpec("submit_result", gettext_lazy("Submit the handling result"), f.SubmitResultForm,
               lambda s: "submit_result" in s.allowed and not s.head_review_pending, _submit_result),
    ActionSpec("propose_result", gettext_lazy("Submit the result for the head's approval"), f.SubmitResultForm,
               lambda s: headreview.may_propose(s.user, s.case), _propose_result),
    ActionSpec("approve_result", gettext_lazy("Approve the result"), f.ApproveResultForm,
               lambda s: headreview.may_decide(s.user, s.case), _approve_result),
    ActionSpec("head_send_back", gettext_lazy("Send the result back to the handler"), f.ReasonForm,
               lambda s: headreview.may_decide(s.user, s.case), _simple(
                   lambda fm, c, u: headreview.send_back(c, u, fm.cleaned_data["reason"], expected_version=_v(fm)),
                   gettext_lazy("The result was sent back to the handler.")), danger=True),
    ActionSpec("request_extension", gettext_lazy("Request an extension"), f.ExtensionRequestForm,
               lambda s: s.can_request_extension(), _request_extension),
    ActionSpec("approve_extension", gettext_lazy("Approve the extension"), f.ExtensionDecisionForm,
               lambda s: s.is_intake and s.pending_extension is not None, _decide_extension(True)),
    ActionSpec("refuse_extension", gettext_lazy("Refuse the extension"), f.ExtensionRefusalForm,
               lambda s: s.is_intake and s.pending_extension is not None, _decide_extension(False), danger=True),
    ActionSpec("close", gettext_lazy("Verify and close"), f.ConfirmForm, _transition("close"), _simple(
        lambda fm, c, u: results.close(c, u, expected_version=_v(fm)), gettext_lazy("The case was closed."))),
    ActionSpec("stage_close", gettext_lazy("Stage-close (work continues under a task)"), f.StageCloseForm,
               _transition("stage_close"), _simple(
                   lambda fm, c, u: results.stage_close(c, u, fm.cleaned_data["task"], expected_version=_v(fm)),
                   gettext_lazy("The case was stage-closed."))),
    ActionSpec("send_back", gettext_lazy("Send the result back"), f.ReasonForm, _transition("send_back"), _simple(
        lambda fm, c, u: results.send_back(c, u, fm.cleaned_data["reason"], expected_version=_v(fm)),
        gettext_lazy("The result was sent back to the department.")), danger=True),
    ActionSpec("transfer", gettext_lazy("Transfer to another lead department"), f.TransferForm, _transition("transfer"),
               _transfer),
    ActionSpec("reopen", gettext_lazy("Reopen"), f.ReopenForm, _transition("reopen"), _simple(
        lambda fm, c, u: results.reopen(c, u, fm.cleaned_data["reason"], fm.cleaned_data["kind"],
                                        expected_version=_v(fm)), gettext_lazy("The case was reopened."))),
    ActionSpec("reject", gettext_lazy("Reject (not accepted)"), f.RejectForm, _transition("reject"), _simple(
        lambda fm, c, u: actions.reject(c, u, fm.cleaned_data["reason"], fm.cleaned_data["redirect_authority"],
                                        expected_version=_v(fm)), gettext_lazy("The case was rejected.")), danger=True),
    ActionSpec("merge", gettext_lazy("Merge into another case"), f.MergeForm, _transition("merge"), _merge, danger=True),
    ActionSpec("evidence", gettext_lazy("Add evidence photos"), f.EvidenceForm, lambda s: s.can_add_evidence(), _evidence),
    ActionSpec("publicity", gettext_lazy("Public summary and visibility"), f.PublicityForm, lambda s: s.is_intake,
               _publicity),
    ActionSpec("note", gettext_lazy("Add a note"), f.NoteForm, lambda s: True, _note),
]}


def available_specs(situation: Situation) -> list[ActionSpec]:
    return [spec for spec in SPECS.values() if spec.available(situation)]


def build_form(spec: ActionSpec, situation: Situation, data=None, files=None):
    return spec.form_class(data, files, case=situation.case, user=situation.user, prefix=spec.name)
