"""Same-run references for bench/run.py, mounted at /__bench__/ only when
settings.PORTAL_BENCH_REFERENCE_VIEWS is true (never in a normal deployment).

They run through exactly the same stack as the portal (gunicorn flags, middleware,
CSRF, sessions, security headers), so a ratio to them isolates the portal's own cost.
"""

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import path
from django.views.decorators.http import require_http_methods

PAGE = "<!doctype html><html lang=zh-hans><head><title>ok</title></head><body><p>ok</p></body></html>"
FORM_TEMPLATE = engines["django"].from_string(
    "<!doctype html><html><body><form method=post>{% csrf_token %}{{ form.as_p }}"
    "<button>send</button></form></body></html>"
)


class MinimalForm(forms.Form):
    """About the shape of a report without photos: a choice, a text, a consent, a token."""

    category = forms.ChoiceField(choices=[("air", "air"), ("water", "water"), ("noise", "noise")])
    description = forms.CharField(max_length=2000)
    consent = forms.BooleanField()
    idempotency_key = forms.UUIDField()


def minimal_view(request):
    return HttpResponse(PAGE)


@require_http_methods(["GET", "POST"])
def minimal_form(request):
    """Validate and redirect; nothing is stored."""
    form = MinimalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("bench_ref_done")
    return HttpResponse(FORM_TEMPLATE.render({"form": form}, request))


@require_http_methods(["GET", "POST"])
def minimal_form_session(request):
    """The same, plus one database write (a new session row), as a report's redirect does."""
    form = MinimalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session["bench_token"] = str(form.cleaned_data["idempotency_key"])
        return redirect("bench_ref_done")
    return HttpResponse(FORM_TEMPLATE.render({"form": form}, request))


def done(request):
    return HttpResponse(PAGE)


urlpatterns = [
    path("minimal/", minimal_view, name="bench_ref_minimal"),
    path("form/", minimal_form, name="bench_ref_form"),
    path("form-session/", minimal_form_session, name="bench_ref_form_session"),
    path("done/", done, name="bench_ref_done"),
]
