"""Tracking a report: look-up by reference + access code, the case page,
satisfaction feedback and review requests (docs/product.md §4.1, §6).

A wrong reference and a wrong code get byte-identical answers: a redirect to
the form with the same "not found" flag. A successful look-up is remembered in
the session (not the code), so feedback and review need no code again.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.forms import FeedbackForm, ReviewForm, TrackForm
from cases.models import Case
from cases.tracking import (
    build_view,
    case_for_rating,
    find_case,
    give_feedback,
    reporter_photos,
    request_review,
    windows,
)
from cases.views.common import allow_tiles
from cases.workbench.casepage import map_settings
from cases.workflow import WorkflowError
from portal.guards import limit_before_parsing
from portal.privatefiles import private_file_response

SESSION_TRACKED = "portal_tracked_cases"
MAX_REMEMBERED = 10


@limit_before_parsing("track")
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            case = find_case(form.cleaned_data["reference"], form.cleaned_data["access_code"])
            if case is None:
                return redirect(reverse("track") + "?notfound=1")
            remember_case(request, case)
            return redirect("track_case", reference=case.reference)
    else:
        form = TrackForm()
    not_found = request.method == "GET" and request.GET.get("notfound") == "1"
    response = render(request, "cases/track_form.html", {"form": form, "not_found": not_found})
    response["Cache-Control"] = "no-store"
    return response


def remember_case(request, case: Case) -> None:
    """This browser session may open `case`'s tracking page (after the code, or right after reporting)."""
    tracked = [pk for pk in request.session.get(SESSION_TRACKED, []) if pk != case.pk]  # loads the session
    if request.session.session_key:  # an existing session gets a new id whenever access is granted;
        request.session.cycle_key()  # a new one (no stored session: no key) is given a fresh id when saved
    # (cycling a new one cost a write transaction of its own on every report: create, then save again)
    request.session[SESSION_TRACKED] = [case.pk, *tracked][:MAX_REMEMBERED]


def _tracked_case(request, reference: str) -> Case:
    case = Case.objects.filter(reference=reference).first()
    if case is None or case.pk not in request.session.get(SESSION_TRACKED, []):
        raise Http404
    return case


@require_GET
def track_case(request, reference: str):
    try:
        case = _tracked_case(request, reference)
    except Http404:
        return redirect("track")
    view = build_view(case)
    context = {"view": view, "feedback_form": FeedbackForm(), "review_form": ReviewForm()}
    return _render_case(request, context)


def _render_case(request, context: dict, status: int = 200):
    context["map"] = map_settings(context["view"].case)
    response = allow_tiles(render(request, "cases/track_case.html", context, status=status))
    response["Cache-Control"] = "no-store"
    return response


def _rate(request, case: Case, form: FeedbackForm) -> None:
    """Record the rating of a valid form; the outcome is a message either way."""
    try:
        give_feedback(case, form.cleaned_data["rating"], form.cleaned_data["comment"])
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Thank you for your rating."))


@require_POST
def feedback(request, reference: str):
    case = _tracked_case(request, reference)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        _rate(request, case, form)
        return redirect("track_case", reference=case.reference)
    return _render_case(request, {"view": build_view(case), "feedback_form": form, "review_form": ReviewForm()},
                        status=400)


@require_POST
def review(request, reference: str):
    case = _tracked_case(request, reference)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            request_review(case, form.cleaned_data["reason"])
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your request for a review was received. The case has been reopened."))
        return redirect("track_case", reference=case.reference)
    return _render_case(request, {"view": build_view(case), "feedback_form": FeedbackForm(), "review_form": form},
                        status=400)


@require_POST
def forget(request, reference: str):
    """"Forget this case on this device" (shared phones, family computers)."""
    case = Case.objects.filter(reference=reference).first()
    if case is not None:
        request.session[SESSION_TRACKED] = [pk for pk in request.session.get(SESSION_TRACKED, []) if pk != case.pk]
        done = request.session.get("portal_report_done") or {}
        if done.get("token") and done.get("token") == case.idempotency_key:
            del request.session["portal_report_done"]  # the confirmation page forgets the code too
    return redirect("track")


@require_GET
def photo(request, reference: str, photo_id: int, variant: str):
    """A photo on the tracking page: the reporter's own, or the public "after" evidence,
    to the browser session that entered the access code. Processed copies only (no
    metadata); the original file never leaves the back office."""
    case = _tracked_case(request, reference)
    if variant not in ("thumb", "image"):
        raise Http404
    shown = get_object_or_404(reporter_photos(case), pk=photo_id)
    file = shown.thumbnail if variant == "thumb" else shown.image
    if not file:
        raise Http404
    response = private_file_response(file, content_type="image/jpeg", as_attachment=False,
                                     filename=f"{case.reference}-{shown.pk}-{variant}.jpg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@limit_before_parsing("track")
@require_http_methods(["GET", "POST"])
def rate(request, token: str):
    """The closing message's link: rate the reply once, without the access code. Shows
    the reference and the reply only (the holder of the link already has both)."""
    case = case_for_rating(token)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    status = 200
    if case is None:
        status = 404
    elif request.method == "POST" and form.is_valid():
        _rate(request, case, form)
        return redirect("track_rate", token=token)
    elif request.method == "POST":
        status = 400
    context = {"case": case, "form": form, "windows": windows(case) if case else None}
    response = render(request, "cases/track_rate.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
