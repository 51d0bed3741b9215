"""What the public pages show of the programme (the cms app reads these): public milestones,
public evidence (photos as re-encoded copies only), the write-off notice list (销号公示) and
the objection form anyone may send during a task's notice period."""

from __future__ import annotations

import uuid
from collections import defaultdict

from django import forms
from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from cases import captcha
from cases.form_a11y import AccessibleFormMixin
from cases.lifecycle import WorkflowError
from cases.models import EvidenceFile, RectificationTask, TaskState, TaskVerification
from cases.views.common import client_ip

from .writeoff import file_objection

OBJECTION_RATE = "5/h"


def public_evidence(task) -> dict[int | None, list[EvidenceFile]]:
    """Public evidence files by milestone id (None: the verification's)."""
    grouped: dict[int | None, list[EvidenceFile]] = defaultdict(list)
    for evidence in EvidenceFile.objects.filter(task=task, is_public=True).order_by("received_at", "pk"):
        grouped[evidence.milestone_id].append(evidence)
    return dict(grouped)


def public_evidence_file(task, evidence_id: int) -> FileResponse:
    evidence = get_object_or_404(EvidenceFile, pk=evidence_id, task=task, is_public=True)
    photo = evidence.kind == EvidenceFile.Kind.PHOTO
    file = evidence.image if photo else evidence.file  # never a photo's original (metadata)
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg" if photo else evidence.content_type,
                            as_attachment=not photo and evidence.kind != EvidenceFile.Kind.PDF,
                            filename=f"{evidence.pk}.jpg" if photo else evidence.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def notice_rows() -> list[dict]:
    """Tasks in their public notice period, with the latest verification."""
    tasks = (RectificationTask.objects.filter(state=TaskState.NOTICE).select_related("lead_department")
             .order_by("notice_ends_on", "number"))
    latest = {}
    for v in TaskVerification.objects.filter(task__in=tasks).order_by("task_id", "-recorded_at"):
        latest.setdefault(v.task_id, v)
    return [{"task": t, "verification": latest.get(t.pk)} for t in tasks]


class ObjectionForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(label=_("Your objection"), widget=forms.Textarea(attrs={"rows": 5}), max_length=2000,
                           help_text=_("What is not rectified, where, and since when."))
    contact = forms.CharField(label=_("Contact (optional)"), required=False, max_length=200,
                              help_text=_("A phone number or e-mail if you want the office to reply."))
    altcha = forms.CharField(required=False, max_length=20000)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, captcha_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.captcha_required = captcha_required
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())

    def clean(self):
        data = super().clean()
        if not self.errors and self.captcha_required:
            verdict = captcha.verify(self.data.get("altcha", ""), str(data["idempotency_key"]))
            if not verdict.ok:
                self.add_error("altcha", verdict.message)
        return data


def rate_limited(request) -> bool:
    rate = getattr(settings, "PORTAL_RATELIMIT_OBJECTION", OBJECTION_RATE)
    try:
        return is_ratelimited(request, group="portal:objection", key=lambda g, r: client_ip(r), rate=rate,
                              increment=True)
    except Exception:  # the counter store is down: serve (as the report form does)
        return False


def handle_objection(request, task) -> tuple[ObjectionForm, bool]:
    """(form, sent). GET: an empty form; POST: validate, CAPTCHA, store."""
    required = captcha.is_required(request)
    if request.method != "POST":
        return ObjectionForm(captcha_required=required), False
    form = ObjectionForm(request.POST, captcha_required=required)
    if form.is_valid():
        try:
            file_objection(task, form.cleaned_data["text"], form.cleaned_data["contact"])
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            return form, True
    return form, False
