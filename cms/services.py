"""Draft a typical case from a closed case (docs/product.md §4.5).

The draft is an unpublished TypicalCasePage under the typical case index, with the
public summary and the reply, and redacted copies of the chosen photos: each is
decoded from the processed copy (never the citizen's original file), re-encoded
through Pillow into a new JPEG without any metadata, and stored as a Wagtail image
in the "典型案例照片" collection. Nothing about the reporter is read or written.
"""

import io
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import formats
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps
from wagtail.images import get_image_model
from wagtail.models import Collection

from cases import roles
from cases.models import Case, CaseState, Photo, PhotoState
from cms.models import TypicalCaseIndexPage, TypicalCasePage

COLLECTION_NAME = "典型案例照片"
MAX_EDGE = 1600
DRAFT_ROLES = (roles.EDITOR, roles.INTAKE)


def typical_case_collection() -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=COLLECTION_NAME).first()
    return existing or root.add_child(instance=Collection(name=COLLECTION_NAME))


def may_draft(user, case: Case) -> bool:
    """Editors and intake officers draft from any case with a result, public or not: the
    draft stays unpublished until the case is public (cms/models/typical.py)."""
    return roles.has_role(user, *DRAFT_ROLES) and case.state in CaseState.RESOLVED


def default_photos(user, case: Case):
    """What a draft carries unless other photos are chosen: the public before/after photos."""
    return (choosable_photos(user, case).filter(is_public=True, kind__in=[Photo.Kind.BEFORE, Photo.Kind.AFTER])
            .order_by("received_at", "pk"))


def choosable_photos(user, case: Case):
    """Editors see only photos an intake officer made public (docs/product.md §3); only photos
    whose copies the worker has made (cases.pipeline.photos) can be redacted."""
    photos = Photo.objects.filter(case=case, state=PhotoState.READY)
    return photos if roles.has_role(user, roles.INTAKE) else photos.filter(is_public=True)


def redacted_jpeg(photo: Photo) -> bytes:
    """A new JPEG from the pixels alone: no EXIF, GPS, XMP, comment or ICC profile."""
    with photo.image.open("rb") as fh, PILImage.open(fh, formats=["JPEG", "PNG", "WEBP"]) as im:
        im.load()
        pixels = ImageOps.exif_transpose(im).convert("RGB")
    pixels.thumbnail((MAX_EDGE, MAX_EDGE))
    clean = PILImage.new("RGB", pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def _wagtail_image(photo: Photo, case: Case, n: int, collection: Collection, user):
    data = redacted_jpeg(photo)
    title = _("Typical case %(reference)s, photo %(n)s") % {"reference": case.reference, "n": n}
    image = get_image_model()(title=title, collection=collection, uploaded_by_user=user,
                              file=ImageFile(io.BytesIO(data), name=f"typical-{uuid.uuid4().hex}.jpg"))
    image.save()
    return image


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(line.strip())}</p>" for line in text.splitlines() if line.strip())


def _facts(case: Case) -> str:
    """When it was reported and closed, and who handled it, in the site's date form."""
    done = case.closed_at or case.replied_at
    facts = [_("Received: %(date)s") % {"date": formats.date_format(localtime(case.received_at), "DATE_FORMAT")}]
    if done:
        facts.append(_("Closed: %(date)s") % {"date": formats.date_format(localtime(done), "DATE_FORMAT")})
    if case.lead_department_id:
        facts.append(_("Handled by: %(department)s") % {"department": case.lead_department.name})
    return "".join(f"<p>{escape(f)}</p>" for f in facts)


def draft_body(case: Case, images: list) -> list[dict]:
    """Raw StreamField data: the case's dates and department, what was found, what was
    done, accountability, photos."""
    body = [{"type": "heading", "value": _("The case")}, {"type": "paragraph", "value": _facts(case)}]
    for heading, text in ((_("What was found"), case.public_summary),
                          (_("Handling and rectification"), case.reply_text),
                          (_("Accountability"), case.accountability)):
        if text.strip():
            body += [{"type": "heading", "value": heading}, {"type": "paragraph", "value": _paragraphs(text)}]
    for image in images:
        body.append({"type": "image", "value": {
            "image": {"image": image.pk, "decorative": False, "alt_text": image.title}, "caption": ""}})
    return body


def _unique_slug(index: TypicalCaseIndexPage, case: Case) -> str:
    base = slugify(f"case-{case.reference}") or f"case-{case.pk}"
    taken = set(index.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _chosen(user, case: Case, photo_ids) -> list[Photo]:
    ids = {int(i) for i in photo_ids}
    photos = list(choosable_photos(user, case).filter(pk__in=ids).order_by("received_at", "pk"))
    if len(photos) != len(ids):
        raise ValidationError(_("Choose photos of this case only."))
    return photos


def _place(photos: list[Photo], images: list) -> tuple:
    """The first "before" and "after" evidence photos go beside each other; the rest into the body."""
    before = after = None
    rest = []
    for photo, image in zip(photos, images, strict=True):
        if photo.kind == Photo.Kind.BEFORE and before is None:
            before = image
        elif photo.kind == Photo.Kind.AFTER and after is None:
            after = image
        else:
            rest.append(image)
    return before, after, rest


def _title(case: Case) -> str:
    if case.title.strip():
        return case.title.strip()
    return _("%(township)s: %(category)s problem rectified") % {
        "township": case.township.name if case.township_id else _("City"), "category": case.category.name}


@transaction.atomic
def draft_typical_case(case: Case, user, photo_ids=None) -> TypicalCasePage:
    """Create an unpublished typical case page from a resolved case; return it. Without
    `photo_ids` it carries the case's public before/after photos."""
    if not may_draft(user, case):
        raise PermissionDenied(_("You may not draft a typical case from this case."))
    index = TypicalCaseIndexPage.objects.first()
    if index is None:
        raise ValidationError(_("Create the typical case index page first."))
    photos = list(default_photos(user, case)) if photo_ids is None else _chosen(user, case, photo_ids)
    collection = typical_case_collection()
    images = [_wagtail_image(p, case, n, collection, user) for n, p in enumerate(photos, start=1)]
    before, after, rest = _place(photos, images)
    page = TypicalCasePage(
        title=_title(case), slug=_unique_slug(index, case), live=False, owner=user,
        intro=case.public_summary[:300], linked_case=case, category=case.category, township=case.township,
        before_image=before, after_image=after, body=draft_body(case, rest),
    )
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return page
