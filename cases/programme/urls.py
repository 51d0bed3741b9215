"""Programme URLs, included by the workbench under /admin/cases/tasks/."""

from django.urls import path

from . import views, views_actions

urlpatterns = [
    path("", views.TaskListView.as_view(), name="tasks"),
    path("new/", views.TaskFormView.as_view(), name="task_new"),
    path("lists/<slug:kind>.xlsx", views.TaskExportView.as_view(), name="task_export"),
    path("<int:task_id>/", views.TaskDetailView.as_view(), name="task"),
    path("<int:task_id>/edit/", views.TaskFormView.as_view(), name="task_edit"),
    path("<int:task_id>/schedule/", views_actions.ScheduleView.as_view(), name="task_schedule"),
    path("<int:task_id>/act/<slug:name>/", views_actions.TaskActionView.as_view(), name="task_act"),
    path("<int:task_id>/milestones/<int:milestone_id>/<slug:name>/", views_actions.MilestoneActionView.as_view(),
         name="milestone_act"),
    path("<int:task_id>/objections/<int:objection_id>/", views_actions.ObjectionDecisionView.as_view(),
         name="objection_decide"),
    path("<int:task_id>/evidence/<int:evidence_id>/public/", views_actions.EvidencePublicityView.as_view(),
         name="evidence_public"),
    path("<int:task_id>/evidence/<int:evidence_id>/<slug:variant>", views.EvidenceView.as_view(),
         name="evidence"),
]
