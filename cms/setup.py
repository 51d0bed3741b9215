"""The editorial workflow (PRODUCT §4.5: draft → review → publish), created
idempotently: `ensure_editorial_workflow()` is called by the demo seed and tests.

* group "editor" (cases.roles.EDITOR): add and change pages under the home page;
* group "moderator": change and publish pages under the home page;
* workflow 稿件审核 with one GroupApprovalTask (总编辑审核) for the moderators, assigned
  to the home page, so every page of the site goes through it; the names are shown to
  the editors ("提交给稿件审核"), so they are Chinese, and the English names of earlier
  versions and of Wagtail's stock workflow are renamed;
* both groups may use the images of the typical case photo collection.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cases import roles

MODERATOR = "moderator"
WORKFLOW_NAME = "稿件审核"
TASK_NAME = "总编辑审核"
# Earlier English names (this module's and Wagtail's initial data) → Chinese names.
RENAMED_WORKFLOWS = {"Review": WORKFLOW_NAME, "Moderators approval": "默认审核"}
RENAMED_TASKS = {"Moderator approval": TASK_NAME, "Moderators approval": "管理员审核"}
PAGE_PERMISSIONS = {roles.EDITOR: ("add_page", "change_page"),
                    MODERATOR: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")}
IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image")


def _group(name: str) -> Group:
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return group


def _grant_pages(group: Group, page: Page, codenames) -> None:
    for codename in codenames:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _grant_images(group: Group) -> None:
    from cms.services import typical_case_collection

    collection = typical_case_collection()
    for codename in IMAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailimages", codename=codename)
        GroupCollectionPermission.objects.get_or_create(group=group, collection=collection,
                                                        permission=permission)


def _rename_english_names() -> None:
    from wagtail.models import Task

    for old, new in RENAMED_WORKFLOWS.items():
        if not Workflow.objects.filter(name=new).exists():
            Workflow.objects.filter(name=old).update(name=new)
    for old, new in RENAMED_TASKS.items():
        if not Task.objects.filter(name=new).exists():
            Task.objects.filter(name=old).update(name=new)


def moderator_group() -> Group:
    return _group(MODERATOR)


def _workflow(moderators: Group) -> Workflow:
    _rename_english_names()
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(moderators)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0})
    return workflow


@transaction.atomic
def ensure_editorial_workflow(home: Page | None = None) -> Workflow | None:
    """Groups, permissions and the Review workflow on the home page. Returns None
    when there is no home page yet."""
    from cms.models import HomePage

    home = home or HomePage.objects.first()
    if home is None:
        return None
    groups = {name: _group(name) for name in PAGE_PERMISSIONS}
    for name, codenames in PAGE_PERMISSIONS.items():
        _grant_pages(groups[name], home, codenames)
        _grant_images(groups[name])
    workflow = _workflow(groups[MODERATOR])
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow
