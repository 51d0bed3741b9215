"""Case photos through a permission-checked view (PRODUCT §7): private storage,
never a public URL. Originals (with their metadata) only for intake officers."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from cases import roles
from cases.models import Photo
from cases.workbench.base import WorkbenchView, get_case_or_404
from portal.privatefiles import private_file_response

ORIGINAL_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heic"}
VARIANTS = ("thumb", "image", "original")


class PhotoView(WorkbenchView):
    def get(self, request, pk, photo_id, variant):
        if variant not in VARIANTS:
            raise Http404
        case = get_case_or_404(request.user, pk)
        photo = get_object_or_404(Photo, pk=photo_id, case=case)
        if variant == "original":
            if not roles.has_role(request.user, roles.INTAKE):
                raise Http404
            file, content_type = photo.original, ORIGINAL_TYPES.get(photo.original_format, "application/octet-stream")
        else:
            file, content_type = (photo.thumbnail if variant == "thumb" else photo.image), "image/jpeg"
        if not file:
            raise Http404
        name = f"{case.reference}-{photo.pk}-{variant}{'.jpg' if variant != 'original' else ''}"
        # Streamed here, or by nginx after this check (X-Accel-Redirect, portal/privatefiles.py).
        response = private_file_response(file, content_type=content_type, filename=name,
                                         as_attachment=variant == "original")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
