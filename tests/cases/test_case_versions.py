"""Every action that changes a case checks the version the user saw and bumps it.

Each action runs twice on the same case: first with a stale version (the form was opened
before someone else acted), which must be refused with nothing written; then with the
current version, which must succeed and bump the version by exactly one.
"""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases import actions, results
from cases.duplicates import follow_case
from cases.extensions import approve_extension, refuse_extension, request_extension
from cases.intake import ReporterInput
from cases.lifecycle import ConflictError
from cases.models import Case, CaseEvent, Clock, ExtensionRequest, Photo
from cases.workbench.services import add_evidence, set_publicity
from cases.workflow import add_note
from tests.cases.conftest import T0

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)


def jpeg_upload() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 40)).save(buf, "JPEG")
    return SimpleUploadedFile("after.jpg", buf.getvalue(), content_type="image/jpeg")


def joint(city, new_case) -> Case:
    return actions.dispatch(new_case(category=city.other, lng=117.15, route=False), city.intake, city.env,
                            [city.water], now=T0)


def accepted(city, new_case) -> Case:
    return actions.accept(new_case(), city.env_handler, now=T0)


def with_extension(city, new_case) -> Case:
    case = accepted(city, new_case)
    due = Clock.objects.get(case=case, kind="handling", stopped_at__isnull=True).due_at
    request_extension(case, city.env_handler, due + timedelta(days=5), "需要检测", "等待检测结果", now=T0 + H)
    return Case.objects.get(pk=case.pk)


def pending_extension(case):
    return ExtensionRequest.objects.get(case=case, state=ExtensionRequest.State.PENDING)


def extension_due(case):
    return Clock.objects.get(case=case, kind="handling", stopped_at__isnull=True).due_at + timedelta(days=5)


# name: (set-up returning a case, the action given the city, the case and an expected version)
ACTIONS = {
    "note": (accepted, lambda c, case, v: add_note(case, c.env_handler, "已联系企业", expected_version=v)),
    "public note": (accepted, lambda c, case, v: add_note(case, c.intake, "已转交", public=True,
                                                          expected_version=v)),
    "evidence": (accepted, lambda c, case, v: add_evidence(case, c.env_handler, [jpeg_upload()], Photo.Kind.AFTER,
                                                           "整改后", expected_version=v)),
    "publicity": (accepted, lambda c, case, v: set_publicity(case, c.intake, is_public=True, is_sensitive=False,
                                                             public_summary="企业已停产整改", expected_version=v)),
    "accept part": (joint, lambda c, case, v: results.accept_part(case, c.water_handler, expected_version=v)),
    "submit part": (joint, lambda c, case, v: results.submit_part(case, c.water_handler, "河道段已清理",
                                                                  expected_version=v)),
    "request extension": (accepted, lambda c, case, v: request_extension(
        case, c.env_handler, extension_due(case), "需要检测", "等待检测结果", expected_version=v)),
    "approve extension": (with_extension, lambda c, case, v: approve_extension(
        pending_extension(case), c.intake, "同意", expected_version=v)),
    "refuse extension": (with_extension, lambda c, case, v: refuse_extension(
        pending_extension(case), c.intake, "理由不充分", expected_version=v)),
    "accept": (lambda c, n: n(), lambda c, case, v: actions.accept(case, c.env_handler, expected_version=v)),
    "return": (lambda c, n: n(), lambda c, case, v: actions.return_case(case, c.env_handler, "非本部门职责",
                                                                        expected_version=v)),
    "submit result": (accepted, lambda c, case, v: results.submit_result(
        case, c.env_handler, findings="核查属实", reply="已整改", expected_version=v)),
}


@pytest.mark.parametrize("name", ACTIONS)
def test_a_stale_version_is_refused_and_the_current_one_bumps(city, new_case, name):
    setup, act = ACTIONS[name]
    case = setup(city, new_case)
    version = case.version
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(ConflictError):
        act(city, case, version - 1)
    case.refresh_from_db()
    assert case.version == version and CaseEvent.objects.filter(case=case).count() == events, "nothing written"
    with pytest.raises(ConflictError):
        act(city, case, version + 100)  # a version from the future is as wrong as an old one
    act(city, case, version)
    case.refresh_from_db()
    assert case.version == version + 1
    assert CaseEvent.objects.filter(case=case).count() > events


def test_a_citizen_following_the_case_makes_open_staff_forms_stale(city, new_case):
    case = new_case()
    version = case.version
    follow_case(case, ReporterInput(name="李四", phone="13900139000"), token="t-1", now=T0 + H)
    with pytest.raises(ConflictError):
        actions.accept(case, city.env_handler, expected_version=version)
