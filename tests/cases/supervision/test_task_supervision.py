"""Supervision orders on tasks and milestones (on the task timeline), and a spot check of
written-off tasks whose relapse reopens the task through the programme's service."""

import pytest
from django.core.exceptions import ValidationError

from cases.models import OrderLevel, SupervisionOrder, TaskState
from cases.programme import writeoff
from cases.supervision import orders
from cases.supervision.spotchecks import draw_round, record_outcome
from tests.cases.conftest import T0
from tests.cases.programme.conftest import at, in_notice, office, scheduled_task  # noqa: F401

pytestmark = pytest.mark.django_db


def test_orders_on_a_task_and_a_milestone_go_on_the_task_timeline(city, office):  # noqa: F811
    task, m1, _m2 = scheduled_task(city, office)
    on_task = orders.issue_order(office, task=task, level=OrderLevel.SUPERVISION, departments=[city.env],
                                 required_action="报送赶工措施", now=T0)
    on_milestone = orders.issue_order(city.supervisor, milestone=m1, level=OrderLevel.REMINDER,
                                      departments=[city.env], required_action="节点即将到期", now=T0)
    orders.reply_to_order(on_milestone, city.env_handler, "已按期推进", now=T0)
    kinds = list(task.events.filter(kind__startswith="supervision_").values_list("kind", "milestone_id"))
    assert ("supervision_issued", None) in kinds and ("supervision_reply", m1.pk) in kinds
    assert not task.events.filter(kind__startswith="supervision_", is_public=True).exists()
    assert set(SupervisionOrder.objects.visible_to(city.env_handler)) == {on_task, on_milestone}
    with pytest.raises(ValidationError):
        orders.issue_order(office, task=task, milestone=m1, level=2, departments=[city.env], required_action="x")


def test_task_spot_check_relapse_reopens_the_task_and_raises_an_order(city, office):  # noqa: F811
    task = in_notice(city, office, scheduled_task(city, office)[0])
    writeoff.write_off(task, office, now=at("2026-03-24"))
    with pytest.raises(ValidationError):
        draw_round(office, name="任务抽查", population="tasks", sample_size=1, category=city.air)
    rnd = draw_round(office, name="任务抽查", population="tasks", share_percent=100, seed=3, now=at("2026-04-01"))
    item = rnd.items.get()
    assert item.task == task and item.case is None
    record_outcome(item, city.supervisor, "relapse", "河道黑臭反弹", raise_order=True, now=at("2026-04-02"))
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS
    assert task.events.filter(kind="reopen", is_public=True, data__source="spot_check").exists()
    assert SupervisionOrder.objects.get(task=task).departments.get() == task.lead_department
