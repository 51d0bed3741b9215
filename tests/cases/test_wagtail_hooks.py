"""The Configuration menu: administrators only, every screen works, forms validate."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.admin.viewsets import viewsets
from wagtail.permissions import policy_registry

from cases import roles
from cases.models import (
    ActionItem,
    ApiClient,
    Assignment,
    Case,
    CaseEvent,
    Clock,
    DeadlinePolicy,
    DeadlineSetting,
    ExtensionRequest,
    JointMeeting,
    MilestoneTemplate,
    MilestoneTemplateStep,
    Notification,
    Photo,
    RectificationTask,
    ReferralBatch,
    ReporterIdentity,
    RoutingRule,
    StaffProfile,
    Township,
    WorkCalendarDay,
    WorkCalendarYear,
)
from cases.permissions import AdministratorOnlyPolicy
from cases.wagtail_hooks import ADMINISTRATOR_MODELS, ConfigurationGroup
from tests import factories as f
from tests.workbench.otp import login_with_otp  # staff pass the second factor, as in production

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")

NAMESPACES = [
    "departments", "townships", "categories", "routing_rules", "deadline_policies", "deadline_settings",
    "calendar_years", "calendar_days", "referral_batches", "milestone_templates",
    "joint_meetings", "action_items", "staff_profiles", "api_clients",
]
NO_ADD = {"referral_batches", "api_clients", "action_items"}


def refused(response) -> bool:
    """Wagtail answers a denied admin page with a redirect to the dashboard and a message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"))


def staff(role=None, **kw):
    """A user who may enter the Wagtail admin at all, with `role`."""
    user = f.user(role=role, **kw)
    group, _ = Group.objects.get_or_create(name=f"{role or 'staff'}")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    user.groups.add(group)
    return user


@pytest.fixture
def admin_client(client):
    return login_with_otp(client, staff(roles.ADMINISTRATOR))


@pytest.fixture
def data():
    dept = f.department("市生态环境局")
    town = f.township("东湖街道", boundary=f.square(117.0, 36.5), government=dept)
    air = f.category("大气污染", code="air")
    f.category("异味", parent=air, code="odour")
    f.rule(dept, category=air)
    f.default_policies()
    f.calendar(years=(2026,))
    DeadlineSetting.objects.create()
    batch = ReferralBatch.objects.create(source="central", number=1, received_at=datetime(2026, 5, 28, tzinfo=SH),
                                         due_at=datetime(2026, 6, 7, tzinfo=SH))
    task = RectificationTask.objects.create(number=1, title="整改任务", problem="p", responsible_leader="副市长",
                                            lead_department=dept, target="t", measures="m",
                                            start_date=date(2026, 1, 1), deadline=date(2026, 12, 31))
    template = MilestoneTemplate.objects.create(name="五步法")
    MilestoneTemplateStep.objects.create(template=template, sort_order=1, title="制定方案", share=20)
    meeting = JointMeeting.objects.create(held_on=date(2026, 4, 1), title="联席会议", convener="副市长", minutes="m")
    meeting.departments.add(dept)
    item = ActionItem.objects.create(meeting=meeting, decision="清理", department=dept,
                                     due_at=datetime(2026, 4, 15, tzinfo=SH))
    client_row = ApiClient.objects.create(name="12345热线", key_prefix="abc", key_hash="x")
    profile = StaffProfile.objects.create(user=f.user("someone"), department=dept)
    return {"departments": dept, "townships": town, "categories": air, "routing_rules": RoutingRule.objects.get(),
            "referral_batches": batch, "milestone_templates": template, "rectification_tasks": task,
            "joint_meetings": meeting, "action_items": item, "api_clients": client_row,
            "staff_profiles": profile, "deadline_settings": DeadlineSetting.objects.get(),
            "deadline_policies": DeadlinePolicy.objects.first(),
            "calendar_years": WorkCalendarYear.objects.get(), "calendar_days": WorkCalendarDay.objects.first()}


def test_every_configuration_model_has_the_administrator_policy():
    for model in ADMINISTRATOR_MODELS:
        assert isinstance(policy_registry.get_by_type(model), AdministratorOnlyPolicy), model


def test_case_models_are_not_in_the_configuration_menu():
    """Cases are scoped by role and department in the workbench, never edited as plain rows."""
    forbidden = {Case, Assignment, CaseEvent, ReporterIdentity, Photo, Notification, Clock, ExtensionRequest}
    configuration = {vs.model for vs in ConfigurationGroup().registerables}
    assert configuration == set(ADMINISTRATOR_MODELS)
    assert not forbidden & configuration
    reverse("departments:index")  # loads the admin URLs, which registers the viewsets
    assert configuration <= {getattr(vs, "model", None) for vs in viewsets.viewsets}


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_administrator_reaches_index_add_and_edit(admin_client, data, namespace):
    obj = data[namespace]
    edit_url = reverse(f"{namespace}:edit", args=[obj.pk])
    index = admin_client.get(reverse(f"{namespace}:index"))
    assert index.status_code == 200 and edit_url in index.content.decode()  # the row is listed
    add = admin_client.get(reverse(f"{namespace}:add"))
    if namespace in NO_ADD:
        assert refused(add)
    else:
        assert add.status_code == 200 and not add.context["form"].instance.pk  # an empty form
    edit = admin_client.get(edit_url)
    assert edit.status_code == 200 and edit.context["form"].instance.pk == obj.pk  # this row's form
    searched = admin_client.get(reverse(f"{namespace}:index"), {"q": "东"})
    assert searched.status_code == 200 and "object_list" in searched.context


def test_superuser_reaches_configuration(client, data):
    login_with_otp(client, f.user(is_superuser=True, is_staff=True))
    assert client.get(reverse("departments:index")).status_code == 200


@pytest.mark.parametrize("role", [roles.INTAKE, roles.HANDLER, roles.HEAD, roles.SUPERVISOR, roles.EDITOR])
def test_other_roles_are_refused_everywhere(client, data, role):
    login_with_otp(client, staff(role, department=data["departments"]))
    for namespace in NAMESPACES:
        pk = data[namespace].pk
        for url in (reverse(f"{namespace}:index"), reverse(f"{namespace}:add"),
                    reverse(f"{namespace}:edit", args=[pk]), reverse(f"{namespace}:delete", args=[pk]),
                    reverse(f"{namespace}:history", args=[pk]), reverse(f"{namespace}:usage", args=[pk])):
            assert refused(client.get(url)), url
    assert refused(client.post(reverse("departments:delete", args=[data["departments"].pk])))
    assert refused(client.post(reverse("departments:add"), {"name": "x", "code": "x", "kind": "bureau"}))
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert reverse("departments:index") not in home.content.decode()


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(reverse("departments:index"))
    assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]


def test_configuration_menu_is_shown_to_administrators(admin_client):
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("departments:index") in html and reverse("calendar_days:index") in html


def test_inactive_administrator_has_no_permission():
    user = f.user(role=roles.ADMINISTRATOR, is_active=False)
    assert not AdministratorOnlyPolicy(Township).user_has_permission(user, "change")
    admin = f.user(role=roles.ADMINISTRATOR)
    assert list(AdministratorOnlyPolicy(Township).users_with_permission("change")) == [admin]
    assert not AdministratorOnlyPolicy(ApiClient, actions={"change"}).user_has_permission(admin, "add")


def township_post(boundary, **kw):
    return {"name": "西山镇", "code": "xishan", "government": "", "boundary": boundary, **kw}


def test_township_with_valid_boundary_is_saved(admin_client, monkeypatch, django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr("cases.routing.invalidate_township_index", lambda: calls.append(1))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("townships:add"),
                                     township_post(json.dumps(f.square(117.2, 36.5))))
    assert response.status_code == 302
    assert Township.objects.get(code="xishan").boundary == f.square(117.2, 36.5)
    assert calls == [1, 1]  # routing drops its polygons at the save and again after the commit


@pytest.mark.parametrize("boundary", [
    "{not json",
    json.dumps({"type": "Point", "coordinates": [117.0, 36.5]}),
    json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}),
    json.dumps(f.square(200.0, 36.5)),
])
def test_township_with_bad_boundary_is_refused(admin_client, boundary):
    response = admin_client.post(reverse("townships:add"), township_post(boundary))
    assert response.status_code == 200
    assert response.context["form"].errors["boundary"]
    assert not Township.objects.filter(code="xishan").exists()


def test_township_without_boundary_is_allowed(admin_client):
    response = admin_client.post(reverse("townships:add"), township_post(""))
    assert response.status_code == 302
    assert Township.objects.get(code="xishan").boundary == {}


def test_routing_rule_needs_category_or_township_and_is_unique(admin_client, data):
    dept = data["departments"].pk
    empty = admin_client.post(reverse("routing_rules:add"), {"department": dept, "is_active": "on"})
    assert empty.status_code == 200 and empty.context["form"].non_field_errors()
    dup = admin_client.post(reverse("routing_rules:add"),
                            {"department": dept, "category": data["categories"].pk, "is_active": "on"})
    assert dup.status_code == 200 and dup.context["form"].non_field_errors()
    assert RoutingRule.objects.count() == 1


def test_sub_type_cannot_have_sub_types(admin_client, data):
    form = admin_client.get(reverse("categories:add")).context["form"]
    assert set(form.fields["parent"].queryset.values_list("code", flat=True)) == {"air"}


def test_make_up_working_day_must_be_a_weekend(admin_client, data):
    weekday = admin_client.post(reverse("calendar_days:add"), {"date": "2026-03-04", "kind": "workday", "name": "x"})
    assert weekday.status_code == 200 and weekday.context["form"].errors["date"]
    saturday = admin_client.post(reverse("calendar_days:add"), {"date": "2026-03-07", "kind": "workday", "name": "x"})
    assert saturday.status_code == 302


def test_second_deadline_settings_row_is_refused(admin_client, data):
    response = admin_client.post(reverse("deadline_settings:add"), {
        "extension_max_days": 30, "satisfaction_days": 7, "review_days": 30, "handling_statutory_days": 60})
    assert response.status_code == 200
    assert DeadlineSetting.objects.count() == 1


def test_api_client_can_be_disabled_but_not_created_or_deleted(admin_client, data):
    row = data["api_clients"]
    response = admin_client.post(reverse("api_clients:edit", args=[row.pk]), {})
    assert response.status_code == 302
    row.refresh_from_db()
    assert not row.is_active and row.key_hash == "x"
    assert refused(admin_client.get(reverse("api_clients:delete", args=[row.pk])))


def test_referral_batch_edits_only_its_description(admin_client, data):
    batch = data["referral_batches"]
    response = admin_client.post(reverse("referral_batches:edit", args=[batch.pk]),
                                 {"title": "第一批", "note": "n", "number": 9, "source": "provincial"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.title, batch.number, batch.source) == ("第一批", 1, "central")


@pytest.mark.parametrize("used_by", ["routing_rule", "case"])
def test_deleting_a_department_in_use_gives_a_message_not_an_error(admin_client, data, used_by):
    dept = data["departments"]
    if used_by == "case":  # Case is not in Wagtail's reference index: the database refuses
        dept = f.department("市水利局")
        Case.objects.create(reference="HB2026-000001", category=data["categories"], description="x",
                            received_at=datetime(2026, 3, 2, 9, tzinfo=SH), lead_department=dept)
    response = admin_client.post(reverse("departments:delete", args=[dept.pk]), follow=True)
    assert response.redirect_chain == [(reverse("departments:index"), 302)]
    assert dept.__class__.objects.filter(pk=dept.pk).exists()
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and dept.name in errors[0]


def test_deleting_an_unused_department_works(admin_client, data):
    dept = f.department("临时部门")
    response = admin_client.post(reverse("departments:delete", args=[dept.pk]))
    assert response.status_code == 302
    assert not dept.__class__.objects.filter(pk=dept.pk).exists()


def test_milestone_templates_are_kept_with_their_steps(admin_client, data):
    response = admin_client.post(reverse("milestone_templates:add"), {
        "name": "三步法", "description": "",
        "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "1",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-title": "制定方案", "steps-0-share": "20", "steps-0-working_days_before_next": "",
        "steps-0-ORDER": "1", "steps-0-id": "", "steps-0-DELETE": "",
        "steps-1-title": "申请销号", "steps-1-share": "", "steps-1-working_days_before_next": "5",
        "steps-1-ORDER": "2", "steps-1-id": "", "steps-1-DELETE": ""})
    assert response.status_code == 302
    template = MilestoneTemplate.objects.get(name="三步法")
    assert list(template.steps.values_list("title", "share", "working_days_before_next")) == [
        ("制定方案", 20, None), ("申请销号", None, 5)]
    assert data["rectification_tasks"].milestones.count() == 0  # tasks are not edited here


@pytest.mark.parametrize("namespace", ["staff_profiles", "routing_rules", "action_items", "townships"])
def test_listing_query_count_does_not_grow_with_rows(admin_client, data, namespace):
    url = reverse(f"{namespace}:index")
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    _more_rows(data)
    admin_client.get(url)  # the new reference data renews the cached menu and filter bar: fill them again
    with CaptureQueriesContext(connection) as many:
        admin_client.get(url)
    assert len(many) == len(few)


def _more_rows(data):
    dept = data["departments"]
    for i in range(4):
        other = f.department()
        town = f.township(government=other)
        f.rule(other, township=town)
        StaffProfile.objects.create(user=staff(roles.SUPERVISOR if i % 2 else roles.EDITOR), department=other)
        ActionItem.objects.create(meeting=data["joint_meetings"], decision=f"d{i}", department=dept,
                                  due_at=datetime(2026, 5, 1, tzinfo=SH))


def test_routing_sees_a_boundary_edited_in_the_admin(admin_client, data, django_capture_on_commit_callbacks):
    from cases.routing import locate_township

    town = data["townships"]
    assert locate_township(36.55, 117.05) == town
    moved = township_post(json.dumps(f.square(118.0, 36.5)), name=town.name, code=town.code)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("townships:edit", args=[town.pk]), moved)
    assert response.status_code == 302
    assert locate_township(36.55, 117.05) is None
    assert locate_township(36.55, 118.05) == town


def test_listing_filters(admin_client, data):
    subtypes = admin_client.get(reverse("categories:index"), {"level": "sub"}).context["object_list"]
    assert [c.code for c in subtypes] == ["odour"]
    days = admin_client.get(reverse("calendar_days:index"), {"year": 2026, "kind": "workday"}).context["object_list"]
    assert len(days) == 6
    assert not admin_client.get(reverse("calendar_days:index"), {"year": 2025}).context["object_list"]


def test_meeting_is_recorded_through_the_service_and_never_deleted(admin_client, data):
    dept = data["departments"]
    response = admin_client.post(reverse("joint_meetings:add"), {
        "held_on": "2026-05-06", "title": "黑臭水体联席会议", "convener": "市整改办",
        "departments": [dept.pk], "minutes": "纪要", "tasks": [data["rectification_tasks"].pk]})
    assert response.status_code == 302
    meeting = JointMeeting.objects.get(title="黑臭水体联席会议")
    assert list(meeting.departments.all()) == [dept]
    assert list(meeting.tasks.all()) == [data["rectification_tasks"]]
    assert refused(admin_client.post(reverse("joint_meetings:delete", args=[meeting.pk])))
    assert JointMeeting.objects.filter(pk=meeting.pk).exists()


def test_action_item_wording_only_is_editable(admin_client, data):
    item = data["action_items"]
    response = admin_client.post(reverse("action_items:edit", args=[item.pk]), {
        "decision": "清理河道垃圾", "done_at": "2026-04-02 10:00", "department": f.department().pk})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.decision == "清理河道垃圾"
    assert item.done_at is None and item.department == data["departments"]


def test_api_client_listing_links_to_the_key_screens(admin_client, data):
    html = admin_client.get(reverse("api_clients:index")).content.decode()
    assert reverse("open311_client_new") in html
    assert reverse("open311_client_rotate", args=[data["api_clients"].pk]) in html
    assert admin_client.get(reverse("open311_client_new")).status_code == 200
