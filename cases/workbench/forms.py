"""Forms of the case page's actions. Each form declares only its own fields, so
extra POST fields (state, lead department, due times …) never reach a service;
`version` is the case version the user saw, passed on as expected_version."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases import roles
from cases.access import visible_cases
from cases.forms import MultipleFileField
from cases.models import Case, CaseState, Department, HeadReview, Photo, RectificationTask
from cases.results import REOPEN_KINDS
from cases.routing import route


def handling_departments():
    return Department.objects.filter(is_active=True).exclude(kind=Department.Kind.OFFICE)


def textarea(rows: int = 3):
    return forms.Textarea(attrs={"rows": rows})


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.user = case, user
        self.fields["version"].initial = case.version


class ConfirmForm(ActionForm):
    """Actions without input of their own (accept, close, accept a part)."""


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=textarea(), max_length=4000)


class RejectForm(ReasonForm):
    redirect_authority = forms.CharField(label=_("Where the reporter should go instead"), required=False,
                                         max_length=200)


class DispatchForm(ActionForm):
    department = forms.ModelChoiceField(handling_departments(), label=_("Lead department"))
    co_departments = forms.ModelMultipleChoiceField(handling_departments(), label=_("Co-departments"),
                                                    required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Internal note"), widget=textarea(2), required=False, max_length=4000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        decision = route(self.case.subcategory or self.case.category, self.case.township)
        if decision.confident:
            self.fields["department"].initial = decision.department.pk
            self.fields["co_departments"].initial = [d.pk for d in decision.co_departments]
            self.fields["department"].help_text = _("Suggested by the routing rule: %(dept)s") % {
                "dept": decision.department.name}
        else:
            self.fields["department"].help_text = _("No routing rule matches this case; choose the department.")
        self.suggestion = decision.department

    def clean(self):
        data = super().clean()
        if data.get("department") and data["department"] in data.get("co_departments", []):
            data["co_departments"] = [d for d in data["co_departments"] if d != data["department"]]
        return data


class TransferForm(ReasonForm):
    department = forms.ModelChoiceField(handling_departments(), label=_("New lead department"))
    co_departments = forms.ModelMultipleChoiceField(
        handling_departments(), label=_("Co-departments"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Co-departments already working on the case keep their part."))
    field_order = ["department", "co_departments", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = handling_departments().exclude(pk=self.case.lead_department_id)


class MergeForm(ActionForm):
    target = forms.CharField(label=_("Reference of the case to keep"), max_length=40,
                             help_text=_("Type a reference or words to search; this case is merged into it."))
    note = forms.CharField(label=_("Internal note"), widget=textarea(2), required=False, max_length=4000)

    def clean_target(self):
        reference = self.cleaned_data["target"].strip()
        target = (visible_cases(self.user).exclude(pk=self.case.pk)
                  .exclude(state__in=CaseState.DISMISSED)
                  .filter(reference__iexact=reference).first())
        if target is None:
            raise ValidationError(_("No open case with this reference."))
        return target


class SubmitResultForm(ActionForm):
    findings = forms.CharField(label=_("Findings (internal)"), widget=textarea(4), max_length=10000,
                               help_text=_("Internal: never shown to the reporter or the public."))
    reply = forms.CharField(label=_("Reply to the reporter"), widget=textarea(4), max_length=10000,
                            help_text=_("Sent to the reporter and shown on their tracking page only; not on the "
                                        "public list, open data or the API (an inspection referral's reply also "
                                        "goes into its batch's disclosure table)."))
    public_summary = forms.CharField(label=_("Proposed public summary"), widget=textarea(3), required=False,
                                     max_length=4000,
                                     help_text=_("The only text published on the public list, map, open data "
                                                 "and the API once the case is made public."))
    co_note = forms.CharField(label=_("Note on co-departments' parts"), widget=textarea(2), required=False,
                              max_length=4000)


class ApproveResultForm(SubmitResultForm):
    """The handler's proposal, which the head may edit before approving it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        review = HeadReview.objects.filter(case=self.case, state=HeadReview.State.PENDING).first()
        if review is not None:
            for name in ("findings", "reply", "public_summary", "co_note"):
                self.fields[name].initial = getattr(review, name)


class StageCloseForm(ActionForm):
    task = forms.ModelChoiceField(RectificationTask.objects.filter(verified_at__isnull=True),
                                  label=_("Rectification task that carries on the work"))


class ReopenForm(ReasonForm):
    kind = forms.ChoiceField(label=_("Why"), choices=list(REOPEN_KINDS.items()), initial="staff")
    field_order = ["kind", "reason"]


class PartForm(ActionForm):
    contribution = forms.CharField(label=_("Your department's part"), widget=textarea(4), max_length=10000)


class NoteForm(ActionForm):
    text = forms.CharField(label=_("Note"), widget=textarea(3), max_length=4000)
    public = forms.BooleanField(label=_("Show to the reporter"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not roles.has_role(self.user, roles.INTAKE):
            del self.fields["public"]  # only the intake desk speaks to the reporter


class ExtensionRequestForm(ActionForm):
    new_due = forms.DateField(label=_("New due date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason (internal)"), widget=textarea(3), max_length=4000)
    public_reason = forms.CharField(label=_("Reason told to the reporter"), widget=textarea(2), max_length=2000)


class ExtensionDecisionForm(ActionForm):
    note = forms.CharField(label=_("Note"), widget=textarea(2), required=False, max_length=4000)


class ExtensionRefusalForm(ActionForm):
    note = forms.CharField(label=_("Reason for refusing"), widget=textarea(2), max_length=4000)


class EvidenceForm(ActionForm):
    photos = MultipleFileField(label=_("Photos"))
    kind = forms.ChoiceField(label=_("The photos show"), choices=[
        (Photo.Kind.BEFORE, _("Before rectification")), (Photo.Kind.AFTER, _("After rectification")),
        (Photo.Kind.EVIDENCE, _("Other evidence"))])
    caption = forms.CharField(label=_("Caption"), required=False, max_length=200)


class PublicityForm(ActionForm):
    is_public = forms.BooleanField(label=_("Show this case on the public list"), required=False)
    is_sensitive = forms.BooleanField(
        label=_("Coarsen its location in public"), required=False,
        help_text=_("Citizens' reports are always shown at about 1 km in public, whatever the source of the "
                    "point; this also coarsens an inspection referral."))
    public_summary = forms.CharField(label=_("Public summary"), widget=textarea(4), required=False,
                                     max_length=4000,
                                     help_text=_("The only text of the case that is published. The reply to the "
                                                 "reporter is not."))
    public_photos = forms.ModelMultipleChoiceField(
        Photo.objects.none(), label=_("Photos shown publicly"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the processed copy is ever shown (no metadata). A public case shows them; a typical "
                    "case drafted from it carries the public before and after photos."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("is_public", "is_sensitive", "public_summary"):
            self.fields[name].initial = getattr(self.case, name)
        photos = self.fields["public_photos"]
        photos.queryset = Photo.objects.filter(case=self.case).order_by("received_at", "pk")
        photos.label_from_instance = _photo_label
        photos.initial = [p.pk for p in photos.queryset if p.is_public]
        if not photos.queryset.exists():
            del self.fields["public_photos"]


def _photo_label(photo: Photo) -> str:
    caption = f" · {photo.caption}" if photo.caption else ""
    return f"{photo.get_kind_display()} · {photo.received_at:%Y-%m-%d %H:%M}{caption} (#{photo.pk})"


class RevealReporterForm(forms.Form):
    purpose = forms.CharField(label=_("Why you need the reporter's identity"), required=False, max_length=200)


class BulkDispatchForm(forms.Form):
    """Cases arrive as "id:version" so each dispatch keeps its own conflict check. The
    prefix keeps its fields' ids apart from the filter form's on the same page."""

    prefix = "bulk"

    cases = forms.Field(widget=forms.MultipleHiddenInput, required=True)
    department = forms.ModelChoiceField(handling_departments(), label=_("Lead department"))
    note = forms.CharField(label=_("Internal note"), required=False, max_length=4000)

    def clean_cases(self):
        items = []
        for value in self.cleaned_data["cases"] or []:
            pk, _sep, version = str(value).partition(":")
            if not (pk.isdigit() and version.isdigit()):
                raise ValidationError(_("The selection is not valid; reload the page."))
            items.append((int(pk), int(version)))
        if not items:
            raise ValidationError(_("Select at least one case."))
        return items[:200]
