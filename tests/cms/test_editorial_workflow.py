"""The demo's editorial workflow: editors submit, the chief editor approves and
publishes; editors cannot publish directly (PRODUCT §4.5)."""

import pytest
from django.contrib.auth.models import Permission
from wagtail.models import GroupPagePermission

from cases import roles
from cms.demo import ensure_chief_editors, grant_editor_permissions
from cms.models import StandardPage
from cms.setup import MODERATOR, TASK_NAME, WORKFLOW_NAME
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    groups = roles.ensure_role_groups()
    home = f.site_home()
    editors = groups[roles.EDITOR]
    # An earlier seed gave editors the right to publish: it must go.
    GroupPagePermission.objects.create(group=editors, page=home, permission=Permission.objects.get(
        content_type__app_label="wagtailcore", codename="publish_page"))
    editor = f.user("demo_editor", roles.EDITOR)
    chief = f.user("demo_chief_editor", roles.EDITOR)
    grant_editor_permissions(editors, home)
    ensure_chief_editors(home)
    page = home.add_child(instance=StandardPage(title="举报须知", slug="how-to-report-x", body="<p>正文</p>"))
    return home, page, editor, chief


def test_editors_submit_and_the_chief_editor_publishes(site):
    home, page, editor, chief = site
    editor_perms, chief_perms = page.permissions_for_user(editor), page.permissions_for_user(chief)
    assert editor_perms.can_edit() and not editor_perms.can_publish()
    assert chief_perms.can_publish()
    assert chief.groups.filter(name=MODERATOR).exists() and not editor.groups.filter(name=MODERATOR).exists()


def test_the_workflow_and_its_task_have_chinese_names_and_moderators(site):
    home, page, _editor, chief = site
    workflow = page.get_workflow()
    assert workflow.name == WORKFLOW_NAME == "稿件审核"
    task = workflow.tasks.get().specific
    assert task.name == TASK_NAME == "总编辑审核"
    assert list(task.groups.values_list("name", flat=True)) == [MODERATOR]
