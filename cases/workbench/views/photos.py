"""Case photos through a permission-checked view (docs/product.md §7): private storage,
never a public URL. Originals (with their metadata) only for intake officers."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from cases import roles
from cases.models import Photo
from cases.workbench.base import WorkbenchView, get_case_or_404

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
        try:
            handle = file.open("rb")
        except (FileNotFoundError, ValueError) as exc:
            raise Http404 from exc
        name = f"{case.reference}-{photo.pk}-{variant}{'.jpg' if variant != 'original' else ''}"
        response = FileResponse(handle, content_type=content_type, as_attachment=variant == "original",
                                filename=name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
