"""Private files after the permission check: streamed by Django, or handed to nginx.

With PORTAL_X_ACCEL_REDIRECT on (deploy/nginx/portal.conf), the view answers with an empty
body and an ``X-Accel-Redirect`` header; nginx then sends the bytes from an ``internal``
location that no client can request directly, so original photos and evidence never pass
through a Python worker:

- local private storage → ``/_private/<name>``, a location aliased to PRIVATE_MEDIA_ROOT;
- S3-compatible storage → ``/_private_s3/<bucket path>?<signature>``, a location that
  proxies to the store with the short-lived signed URL (the store stays internal).
"""

from urllib.parse import quote, urlsplit

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

LOCAL_PREFIX = "/_private/"
S3_PREFIX = "/_private_s3"


def accel_location(storage, name: str) -> str:
    try:
        storage.path(name)
    except NotImplementedError:  # no local path: an object store with signed URLs
        url = urlsplit(storage.url(name))
        return f"{S3_PREFIX}{url.path}" + (f"?{url.query}" if url.query else "")
    return LOCAL_PREFIX + quote(name)


def private_file_response(field_file, *, content_type: str, filename: str, as_attachment: bool) -> HttpResponse:
    if settings.PORTAL_X_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel_location(field_file.storage, field_file.name)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
        return response
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=filename)
