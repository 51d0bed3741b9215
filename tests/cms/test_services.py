"""Drafting a typical case from a closed case: unpublished page, redacted photo copies
in their own collection, never the reporter's identity, only for editors and intake."""

import io
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model

from cases import roles
from cases.models import Photo
from cms.models import TypicalCasePage
from cms.services import COLLECTION_NAME, draft_typical_case
from cms.setup import ensure_editorial_workflow
from tests import factories as f
from tests.cms.helpers import FINDINGS, REPORTER, close_case
from tests.workbench.otp import login_with_otp

IDENTITY = [REPORTER.name, REPORTER.phone, REPORTER.email, REPORTER.ip_address]


def jpeg_with_metadata(colour=(200, 30, 30)) -> bytes:
    exif = PILImage.Exif()
    exif[0x013B] = "张三 13800138000"  # Artist
    exif[0x010E] = "拍摄于举报人家门口"  # ImageDescription
    out = io.BytesIO()
    PILImage.new("RGB", (64, 48), colour).save(out, "JPEG", exif=exif.tobytes(), comment=b"reporter: zhangsan")
    return out.getvalue()


def photo(case, kind=Photo.Kind.CITIZEN, public=False) -> Photo:
    data = jpeg_with_metadata()
    p = Photo(case=case, kind=kind, original_sha256="0" * 64, original_format="JPEG", original_size=len(data),
              width=64, height=48, received_at=timezone.now(), is_public=public)
    p.original.save("orig.jpg", ContentFile(b"THE-ORIGINAL-FILE-MUST-NEVER-BE-READ"), save=False)
    p.image.save("img.jpg", ContentFile(data), save=False)
    p.thumbnail.save("thumb.jpg", ContentFile(data), save=False)
    p.save()
    return p


@pytest.fixture
def closed(city, new_case, tree):
    ensure_editorial_workflow()
    return close_case(new_case(), city, summary="化工厂偷排污水问题已整改。", reply="已责令企业整改并处罚。")


@pytest.mark.django_db
def test_draft_is_unpublished_with_summary_reply_and_no_identity(closed, city, tree):
    page = draft_typical_case(closed, city.editor)
    page = TypicalCasePage.objects.get(pk=page.pk)
    assert not page.live and page.has_unpublished_changes
    assert page.get_parent().pk == tree.typical.pk
    assert page.linked_case_id == closed.pk and page.category_id == closed.category_id
    assert page.owner == city.editor
    text = page.title + page.intro + json.dumps(list(page.body.raw_data), ensure_ascii=False)
    assert "化工厂偷排污水问题已整改。" in text and "已责令企业整改并处罚。" in text
    for secret in [*IDENTITY, FINDINGS, "夜间有刺鼻气味"]:
        assert secret not in text
    assert page.get_latest_revision() is not None
    assert page.url not in ("", None)


@pytest.mark.django_db
def test_photos_are_redacted_copies_in_the_collection(closed, city):
    before = photo(closed, Photo.Kind.BEFORE, public=True)
    after = photo(closed, Photo.Kind.AFTER, public=True)
    extra = photo(closed, Photo.Kind.EVIDENCE, public=True)
    page = draft_typical_case(closed, city.intake, [before.pk, after.pk, extra.pk])
    images = get_image_model().objects.filter(collection__name=COLLECTION_NAME)
    assert images.count() == 3
    assert page.before_image.collection.name == COLLECTION_NAME and page.after_image is not None
    assert any(block.block_type == "image" for block in page.body)
    source = before.image.open("rb").read()
    for image in images:
        data = image.file.open("rb").read()
        assert data != source  # re-encoded, not copied
        assert b"THE-ORIGINAL" not in data
        with PILImage.open(io.BytesIO(data)) as im:
            assert not im.getexif()
            assert "comment" not in im.info and "icc_profile" not in im.info and "exif" not in im.info
        for secret in ["张三", "13800138000", "zhangsan", *IDENTITY]:
            assert secret.encode() not in data and secret not in image.title


@pytest.mark.django_db
def test_who_may_draft_and_from_what(closed, city, new_case):
    with pytest.raises(PermissionDenied):
        draft_typical_case(closed, city.env_handler)
    with pytest.raises(PermissionDenied):
        draft_typical_case(new_case(), city.editor)  # not closed
    hidden = close_case(new_case(), city, public=False)
    draft = draft_typical_case(hidden, city.editor)  # a case not public yet: a draft all the same
    assert draft.linked_case_id == hidden.pk and not draft.live
    assert draft_typical_case(hidden, city.intake).linked_case_id == hidden.pk
    private_photo = photo(closed)  # a citizen photo not made public
    with pytest.raises(ValidationError):
        draft_typical_case(closed, city.editor, [private_photo.pk])
    other = photo(hidden, public=True)
    with pytest.raises(ValidationError):
        draft_typical_case(closed, city.intake, [other.pk])  # a photo of another case


@pytest.mark.django_db
def test_admin_view_drafts_and_opens_the_editor(client, closed, city):
    editor = f.user("editor2", roles.EDITOR, is_staff=True)
    ensure_editorial_workflow()
    login_with_otp(client, editor)
    url = reverse("cms_draft_typical_case")
    assert closed.reference in client.get(url, {"reference": closed.reference}).content.decode()
    response = client.post(url, {"case": closed.pk})
    page = TypicalCasePage.objects.get(linked_case=closed)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert client.get(response["Location"]).status_code == 200
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    Group.objects.get(name=roles.HANDLER).permissions.add(access)
    login_with_otp(client, city.env_handler)
    refused = client.post(url, {"case": closed.pk})  # Wagtail turns PermissionDenied into a redirect
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    assert TypicalCasePage.objects.filter(linked_case=closed).count() == 1
