"""The report form sent by JavaScript (XHR with upload progress) and refused: back to the form.

An XHR cannot show the re-rendered page, so the view keeps what the citizen typed, the
errors and the kept photos in the session (encrypted: it holds contact details), and
answers with the form's address; the script goes there, and the GET shows the form
exactly as the plain POST would have (`?resume=1` reads the entry once and forgets it).
"""

import json

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import JsonResponse
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from cases.fields import decrypt, encrypt
from cases.reportform import kept

SESSION_KEY = "portal_report_resume"
# Never carried over: the one-use checks, the CSRF token, and what is re-sent in other forms.
NOT_KEPT = ("csrfmiddlewaretoken", "altcha", "check_token", "check_answer", "photo_sha256", "kept_photo")


def stash(request, form) -> JsonResponse:
    data = {key: values for key, values in form.data.lists() if key not in NOT_KEPT}
    entry = {"data": data, "errors": form.errors.get_json_data(), "kept": [k.token for k in form.kept_photos],
             "not_kept": form.photos_not_kept}
    request.session[SESSION_KEY] = encrypt(json.dumps(entry))
    return JsonResponse({"ok": False, "location": reverse("report") + "?resume=1"})


def restore(request, form_class, form_kwargs: dict):
    """The refused form again, or None when this session has nothing to resume."""
    raw = request.session.pop(SESSION_KEY, None)
    if not raw:
        return None
    try:
        entry = json.loads(decrypt(raw))
    except (ValueError, TypeError):
        return None
    form = form_class(MultiValueDict(entry["data"]), **form_kwargs)
    form.cleaned_data, form._errors = {}, ErrorDict()
    for field, errors in entry["errors"].items():
        target = None if field == "__all__" or field not in form.fields else field
        for error in errors:
            form.add_error(target, ValidationError(error["message"], code=error.get("code") or None))
    form.mark_errors()
    form.kept_photos = kept.describe(entry["kept"], str(entry["data"].get("idempotency_key", [""])[0]))
    form.photos_not_kept = entry["not_kept"]
    return form
