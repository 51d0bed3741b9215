"""Operator screen URLs, mounted under /admin/operations/ by cases.workbench.hooks (so
Wagtail's require_admin_access and the second-factor middleware guard them)."""

from django.urls import path

from cases.operations import views

urlpatterns = [
    path("second-factor/", views.SecondFactorListView.as_view(), name="second_factor"),
    path("second-factor/<int:user_id>/", views.SecondFactorResetView.as_view(), name="second_factor_reset"),
    path("lockouts/", views.LockoutListView.as_view(), name="lockouts"),
    path("failures/", views.FailedWorkView.as_view(), name="failures"),
    path("identity-log/", views.IdentityLogView.as_view(), name="identity_log"),
    path("identity-log/export.xlsx", views.IdentityLogExportView.as_view(), {"fmt": "xlsx"},
         name="identity_log_xlsx"),
    path("identity-log/export.csv", views.IdentityLogExportView.as_view(), {"fmt": "csv"}, name="identity_log_csv"),
    path("log/", views.OperatorLogView.as_view(), name="log"),
]
