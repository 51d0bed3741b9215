"""The public side of the programme: public evidence only, the write-off notice list and
the objection form, and the home counter following a write-off at once."""

from datetime import date

import pytest
import time_machine

from cases.models import EvidenceFile, Objection
from cases.programme import progress, writeoff
from tests import factories as f
from tests.cases.programme.conftest import T0, at, in_notice, jpeg_bytes, pdf_bytes, scheduled_task, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(city):
    from cases import roles

    return f.user("office", roles.OFFICE, city.desk)


def test_public_task_page_shows_only_public_evidence(client, tree, city, office,
                                                    django_capture_on_commit_callbacks):
    task, m1, _m2 = scheduled_task(city, office)
    progress.post_progress(m1, city.env_handler, 50, "施工中", [upload("现场.jpg", jpeg_bytes()),
                                                                upload("内部台账.pdf", pdf_bytes())], now=T0)
    photo, pdf = EvidenceFile.objects.get(kind="photo"), EvidenceFile.objects.get(kind="pdf")
    html = client.get(f"/tasks/task/{task.number}/").content.decode()
    assert f"evidence/{photo.pk}/" not in html and "内部台账" not in html
    assert client.get(f"/tasks/task/{task.number}/evidence/{photo.pk}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):  # public pages rebuild after the commit
        progress.set_evidence_public(photo, office, True, now=T0)
    html = client.get(f"/tasks/task/{task.number}/").content.decode()
    assert f"evidence/{photo.pk}/" in html and "内部台账" not in html
    served = client.get(f"/tasks/task/{task.number}/evidence/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == photo.image.open("rb").read()  # the re-encoded copy
    assert client.get(f"/tasks/task/{task.number}/evidence/{pdf.pk}/").status_code == 404


def test_notice_list_and_objection_form(client, tree, city, office, settings):
    settings.PORTAL_CAPTCHA_REQUIRED = False
    task = in_notice(city, office, scheduled_task(city, office)[0])
    notices = client.get("/tasks/notices/").content.decode()
    assert task.title in notices and "现场检查，整改到位" in notices and "2026年3月23日" in notices
    url = f"/tasks/task/{task.number}/objection/"
    with time_machine.travel(at("2026-03-18"), tick=False):
        empty = client.post(url, {"text": "", "idempotency_key": "6f1c1c1e-0000-4000-8000-000000000000"})
        assert empty.status_code == 200 and not Objection.objects.exists()
        sent = client.post(url, {"text": "河道仍有黑臭", "idempotency_key": "6f1c1c1e-0000-4000-8000-000000000000"})
    assert sent.status_code == 200 and Objection.objects.get().text == "河道仍有黑臭"
    with time_machine.travel(at("2026-03-24"), tick=False):
        late = client.post(url, {"text": "迟到", "idempotency_key": "6f1c1c1e-0000-4000-8000-000000000001"})
    assert late.status_code == 200 and Objection.objects.count() == 1


def test_objections_are_rate_limited(client, tree, city, office, settings):
    settings.PORTAL_CAPTCHA_REQUIRED = False
    settings.PORTAL_RATELIMIT_OBJECTION = "2/h"
    task = in_notice(city, office, scheduled_task(city, office)[0])
    url = f"/tasks/task/{task.number}/objection/"
    with time_machine.travel(at("2026-03-18"), tick=False):
        codes = [client.post(url, {"text": f"异议{i}", "idempotency_key": f"6f1c1c1e-0000-4000-8000-00000000000{i}"})
                 .status_code for i in range(3)]
    assert codes == [200, 200, 429] and Objection.objects.count() == 2


def test_captcha_is_required_from_citizens(client, tree, city, office, settings):
    settings.PORTAL_CAPTCHA_REQUIRED = True
    task = in_notice(city, office, scheduled_task(city, office)[0])
    with time_machine.travel(at("2026-03-18"), tick=False):
        client.post(f"/tasks/task/{task.number}/objection/",
                    {"text": "河道仍有黑臭", "idempotency_key": "6f1c1c1e-0000-4000-8000-000000000000"})
    assert not Objection.objects.exists()


def test_home_counter_follows_a_write_off(client, tree, city, office, django_capture_on_commit_callbacks):
    task = in_notice(city, office, scheduled_task(city, office)[0])
    def tasks_counter():
        return client.get("/").content.decode().split('data-counter="tasks"')[1][:300]

    assert 'data-figure="tasks.completed">0</data>' in tasks_counter()
    with django_capture_on_commit_callbacks(execute=True):
        writeoff.write_off(task, office, now=at("2026-03-24"))
    assert 'data-figure="tasks.completed">1</data>' in tasks_counter()
    assert task.deadline == date(2026, 9, 30)
