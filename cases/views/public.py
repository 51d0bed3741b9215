"""The report form, its confirmation, following a similar case, the privacy notice."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.views import serve as wagtail_serve

from cases import captcha
from cases.duplicates import find_followable, follow_case
from cases.fields import decrypt, encrypt
from cases.forms import FollowForm, ReportForm
from cases.intake import IntakeError, SubmitResult
from cases.models import Case
from cases.photos import PhotoError, check_photo
from cases.reportform import resume, simplecheck
from cases.reportform.service import file_report
from cases.views.common import allow_tiles, client_ip, map_config, too_many
from cases.views.track import remember_case
from cases.workflow import WorkflowError
from portal.guards import limit_before_parsing

log = logging.getLogger("portal.public")

SESSION_DONE = "portal_report_done"
SESSION_FOLLOWED = "portal_followed"
CODE_CACHE_SECONDS = 900

logger = logging.getLogger("portal.public")


def _code_key(token: str) -> str:
    return f"portal:report-code:{token}"


def _form_kwargs(request) -> dict:
    return {"captcha_required": captcha.is_required(request), "ip_address": client_ip(request)}


def _render_form(request, form, status: int = 200):
    context = {"form": form, "map_config": map_config(), "captcha_required": form.captcha_required,
               "simple_check": simplecheck.new_question() if form.captcha_required else None,
               "simple_limit": int(settings.PORTAL_RATELIMIT_SUBMIT_SIMPLE.split("/")[0])}
    return allow_tiles(render(request, "cases/report_form.html", context, status=status))


def _is_upload_request(request) -> bool:
    """Sent by static/js/report_photos.js (XHR with upload progress): answered in JSON."""
    return request.headers.get("X-Portal-Upload") == "1"


# The rate limit and the body size are checked before the body is read (portal/guards.py).
@limit_before_parsing("submit")
@require_http_methods(["GET", "POST"])
def report(request):
    if request.method == "GET":
        form = resume.restore(request, ReportForm, _form_kwargs(request)) if "resume" in request.GET else None
        return _render_form(request, form or ReportForm(**_form_kwargs(request)))
    upload = _is_upload_request(request)
    token = request.POST.get("idempotency_key", "")
    form = ReportForm(request.POST, request.FILES, **_form_kwargs(request))
    # A double click whose first POST already went through. Checked first when the POST
    # carries photos (never stored twice) or counts against the no-JavaScript limit;
    # otherwise only when the form is refused (its proof of work was spent by the first
    # POST), since a valid duplicate finds its case by the unique key's INSERT.
    checked = bool(request.FILES) or form.simple_path
    if checked and _already_filed(token):
        return _remember_and_redirect(request, token, None, json=upload)
    if form.simple_path and simplecheck.over_limit(request):  # every attempt counts, right or wrong
        return too_many(request, json=upload)
    status = 200
    if form.is_valid():
        result = _submit(form)
        if result is not None:
            return _remember_and_redirect(request, form.token, result, json=upload)
        if getattr(form, "storage_failed", False):
            status = 503
    elif not checked and _already_filed(token):
        return _remember_and_redirect(request, token, None, json=upload)
    form.keep_photos(leave_out=getattr(form, "photo_at_fault", ""))
    if upload:
        return resume.stash(request, form)
    return _render_form(request, form, status=status)


def _already_filed(token: str) -> bool:
    return 0 < len(token) <= 64 and Case.objects.filter(idempotency_key=token).exists()


def _submit(form: ReportForm) -> SubmitResult | None:
    photos = form.cleaned_data["photos"]
    try:
        return file_report(form.report_input(), form.reporter_input(), photos, hold=form.simple_path)
    except PhotoError as exc:
        form.photo_at_fault, message = _photo_at_fault(photos, exc)
        form.add_error("photos", message)
    except IntakeError as exc:
        form.add_error(exc.field, ValidationError(str(exc), code=exc.code))
    except WorkflowError as exc:
        form.add_error(None, str(exc))
    except OSError:
        # Storage full or unreachable: the transaction rolled back and the photo
        # guard removed any written file, so nothing was saved (docs/resilience.md).
        logger.exception("photo storage failed during a submission")
        form.storage_failed = True
        form.add_error("photos", _("Your photos could not be stored just now, so nothing was saved. "
                                   "Please try again later, or send the report without photos."))
    form.mark_errors()
    return None


def _photo_at_fault(photos, exc: PhotoError) -> tuple[str, str]:
    """Name the photo at fault: re-check one by one, on this error path only."""
    if exc.code == "too_many":
        return "", exc.message
    for upload in photos:
        try:
            check_photo(upload)
        except PhotoError as own:
            return upload.name, f"{upload.name}: {own.message}"
    return "", exc.message


def _remember_and_redirect(request, token: str, result: SubmitResult | None, *, json: bool = False):
    """Post-redirect-get. The reference and access code stay readable in this browser
    session until it ends (the code encrypted in the session store, never in a URL or a
    log); a short-lived cache entry covers a concurrent double submit."""
    entry = request.session.get(SESSION_DONE) or {}
    if result is not None and result.access_code:
        entry = {"token": token, "code": encrypt(result.access_code)}
        cache.set(_code_key(token), result.access_code, CODE_CACHE_SECONDS)  # a no-op while Redis is down
        remember_case(request, result.case)
        if not request.user.is_authenticated:
            request.session.set_expiry(0)  # a citizen's session ends when the browser closes
    elif entry.get("token") != token:
        entry = {"token": token, "code": None}
    request.session[SESSION_DONE] = entry
    if json:
        return JsonResponse({"ok": True, "location": reverse("report_done")})
    return redirect("report_done")


def _cached_code(token: str) -> str | None:
    code = cache.get(_code_key(token))
    cache.delete(_code_key(token))
    return code


def _done_entry(request) -> tuple[Case | None, str | None]:
    """The case just reported in this session and its access code (None when unknown)."""
    entry = request.session.get(SESSION_DONE) or {}
    token = entry.get("token") or ""
    case = Case.objects.filter(idempotency_key=token).first() if token else None
    if case is None:
        return None, None
    if entry.get("code"):
        cache.delete(_code_key(token))  # no other browser posting the same form gets it
        return case, decrypt(entry["code"])
    code = _cached_code(token)  # the twin request of a double submit holds it
    if code:
        request.session[SESSION_DONE] = {"token": token, "code": encrypt(code)}
        remember_case(request, case)
    return case, code


@require_GET
def report_done(request):
    case, code = _done_entry(request)
    if case is None:
        return redirect("report")
    reporter = case.reporters.order_by("pk").first()
    contact = bool(reporter and (reporter.phone or reporter.email))
    context = {"case": case, "access_code": code, "contact": contact,
               "held_for_review": simplecheck.is_held(case)}
    response = render(request, "cases/report_done.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def report_receipt(request):
    """The confirmation as a text file to keep: reference, access code, date, where to follow."""
    case, code = _done_entry(request)
    if case is None or not code:
        return redirect("report")
    text = render_to_string("cases/report_receipt.txt", {
        "case": case, "access_code": code, "track_url": request.build_absolute_uri(reverse("track")),
        "received": timezone.localtime(case.received_at)})
    response = HttpResponse(text.replace("\n", "\r\n"), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="receipt-{case.reference}.txt"'
    response["Cache-Control"] = "no-store"
    return response


@limit_before_parsing("submit")
@require_POST
def follow(request):
    form = FollowForm(request.POST, **_form_kwargs(request))
    if form.is_valid():
        data = form.cleaned_data
        case = find_followable(data["follow_token"], data["category"], *data["point"])
        if case is None:
            form.add_error(None, _("This case cannot be followed from here any more. Please send your own "
                                   "report."))
        else:
            try:
                follow_case(case, form.reporter_input(), form.token)
            except WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                # The reference only of a case the public may see anyway (cases/duplicates.py).
                public = case.is_public and case.state != "merged"
                request.session[SESSION_FOLLOWED] = {"reference": case.reference if public else "",
                                                     "contact": form.reporter_input().has_contact}
                return redirect("report_followed")
    return _render_form(request, _report_form_showing(request, form))


def _report_form_showing(request, follow_form: FollowForm) -> ReportForm:
    """The citizen's report form again, with only the follow form's errors."""
    form = ReportForm(request.POST, **{**_form_kwargs(request), "captcha_required": False})
    form.is_valid()
    form._errors = ErrorDict()
    for field, errors in follow_form.errors.items():
        target = field if field in form.fields and field != "category" else None
        for error in errors:
            form.add_error(target, error)
    form.mark_errors()
    return form


@require_GET
def report_followed(request):
    entry = request.session.get(SESSION_FOLLOWED)
    if not entry:
        return redirect("report")
    return render(request, "cases/report_followed.html", entry)


@require_GET
def privacy(request):
    """The CMS page at /privacy/ when editors made one; otherwise the built-in notice."""
    try:
        return wagtail_serve(request, "privacy/")
    except Http404:
        pass
    context = {"retention_days": settings.PORTAL_CONTACT_RETENTION_DAYS, "city": settings.PORTAL_CITY_NAME}
    return render(request, "cases/privacy.html", context)
