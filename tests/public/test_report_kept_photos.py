"""After a server-side form error the chosen photos are kept and offered again
(cases/reportform/kept.py), on the plain form and on the script's XHR path
(cases/reportform/resume.py); the browser's hash claim is recorded as a claim."""

import hashlib
import json
import re

import pytest
from django.core.files.storage import storages

from cases.models import Case, Photo
from tests.public.conftest import jpeg, report_data, upload

pytestmark = pytest.mark.django_db
KEY = "6f1c2f7e-8d1a-4c4e-9a57-2f6b0f1e9a01"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}


def kept_tokens(page: str) -> list[str]:
    return re.findall(r'name="kept_photo" value="([^"]+)"', page)


def kept_files() -> list[str]:
    try:
        return storages["private"].listdir("kept")[1]
    except FileNotFoundError:
        return []


def test_photos_survive_a_form_error_and_are_filed_with_the_report(client, city):
    first, second = jpeg(color=(10, 200, 30)), jpeg(color=(200, 10, 30))
    data = report_data(city, description="", photos=[upload("a.jpg", first), upload("b.jpg", second)])
    response = client.post("/en/report/", data)
    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    tokens = kept_tokens(page)
    assert len(tokens) == 2 and "a.jpg" in page and "b.jpg" in page and "you do not need to choose them" in page
    assert len(kept_files()) == 2

    response = client.post("/en/report/", report_data(city, kept_photo=tokens))  # no file chosen again
    assert response.status_code == 302
    hashes = set(Photo.objects.filter(case=Case.objects.get()).values_list("original_sha256", flat=True))
    assert hashes == {hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest()}
    assert kept_files() == []  # removed once filed


def test_an_unticked_kept_photo_is_left_out_and_new_ones_are_added(client, city):
    page = client.post("/en/report/", report_data(city, description="", photos=[upload("a.jpg")])).content.decode()
    response = client.post("/en/report/", report_data(city, photos=[upload("c.jpg", jpeg(color=(1, 2, 3)))]))
    assert response.status_code == 302 and Photo.objects.count() == 1  # a.jpg unticked (not posted)
    assert kept_tokens(page)


def test_kept_photos_belong_to_their_form_only(client, city):
    page = client.post("/en/report/", report_data(city, description="", photos=[upload("a.jpg")])).content.decode()
    other = report_data(city, kept_photo=kept_tokens(page), idempotency_key="0b7f8a1c-2a55-4e0c-9d4e-7a0b8e2f1c33")
    response = client.post("/en/report/", other)
    assert response.status_code == 200 and not Case.objects.exists()
    assert "no longer available" in " ".join(response.context["form"].errors["photos"])


def test_a_file_that_is_not_a_photo_is_named_to_be_chosen_again(client, city):
    data = report_data(city, description="", photos=[upload("notes.jpg", b"not an image at all"), upload("a.jpg")])
    page = client.post("/en/report/", data).content.decode()
    assert len(kept_tokens(page)) == 1
    assert re.search(r'id="photos-not-kept">[^<]*notes\.jpg', page)


def test_the_photo_at_fault_is_not_kept_the_others_are(client, city):
    bad = upload("broken.jpg", jpeg()[:200])  # a JPEG header, then nothing: refused by intake
    page = client.post("/en/report/", report_data(city, photos=[bad, upload("a.jpg")])).content.decode()
    assert not Case.objects.exists() and "broken.jpg" in page
    assert len(kept_tokens(page)) == 1 and "a.jpg (" in page


def test_the_scripts_upload_gets_json_and_the_refused_form_comes_back_with_its_photos(client, city):
    data = report_data(city, description="", photos=[upload("a.jpg")], polluter_name="某化工厂东厂区")
    response = client.post("/en/report/", data, HTTP_X_PORTAL_UPLOAD="1")
    body = json.loads(response.content)
    assert body == {"ok": False, "location": "/en/report/?resume=1"}
    page = client.get(body["location"])
    form = page.context["form"]
    assert "Please describe what is happening." in form.errors["description"]
    assert form["polluter_name"].value() == "某化工厂东厂区" and len(form.kept_photos) == 1
    assert client.get(body["location"]).context["form"].errors == {}  # read once, then forgotten

    filed = client.post("/en/report/", report_data(city, kept_photo=kept_tokens(page.content.decode())),
                        HTTP_X_PORTAL_UPLOAD="1")
    assert json.loads(filed.content) == {"ok": True, "location": "/en/report/done/"}
    assert Photo.objects.filter(case=Case.objects.get()).count() == 1


def test_the_browsers_hash_of_the_original_is_recorded_as_a_claim(client, city):
    sent = jpeg(color=(9, 9, 9))
    claim = hashlib.sha256(b"the camera's original, before the browser shrank it").hexdigest()
    data = report_data(city, photos=[upload("a.jpg", sent)], photo_sha256=[claim.upper()])
    assert client.post("/en/report/", data).status_code == 302
    photo = Photo.objects.get()
    assert photo.client_sha256 == claim and photo.original_sha256 == hashlib.sha256(sent).hexdigest()


def test_a_claim_survives_a_form_error_with_the_kept_photo(client, city):
    claim = "ab" * 32
    data = report_data(city, description="", photos=[upload("a.jpg")], photo_sha256=[claim])
    page = client.post("/en/report/", data).content.decode()
    assert client.post("/en/report/", report_data(city, kept_photo=kept_tokens(page))).status_code == 302
    assert Photo.objects.get().client_sha256 == claim


def test_malformed_claims_are_ignored(client, city):
    data = report_data(city, photos=[upload("a.jpg"), upload("b.jpg", jpeg(color=(0, 0, 9)))],
                       photo_sha256=["ab" * 32])  # one claim for two photos: pairing unknown
    assert client.post("/en/report/", data).status_code == 302
    assert list(Photo.objects.values_list("client_sha256", flat=True)) == ["", ""]
