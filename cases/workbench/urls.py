"""Workbench URLs, mounted under /admin/ by cases.workbench.hooks (so Wagtail's
require_admin_access wraps every one of them)."""

from django.urls import include, path

from cases.programme import urls as programme_urls
from cases.workbench.views import (
    accountability,
    detail,
    identity,
    imports,
    intake,
    listing,
    orders,
    otp,
    photos,
    programme,
    progress,
    reports,
    spotchecks,
)

app_name = "workbench"

urlpatterns = [
    path("", listing.CaseListView.as_view(), name="list"),
    path("export.xlsx", listing.CaseExportView.as_view(), name="export"),
    path("bulk-dispatch/", listing.BulkDispatchView.as_view(), name="bulk_dispatch"),
    path("new/", intake.NewCaseView.as_view(), name="new"),
    path("scorecard/", reports.ScorecardView.as_view(), name="scorecard"),
    path("scorecard/export.xlsx", reports.ScorecardExportView.as_view(), name="scorecard_export"),
    path("import/", imports.ImportView.as_view(), name="import"),
    path("import/<int:job_id>/", imports.ImportJobView.as_view(), name="import_job"),
    path("import/<int:job_id>/progress.json", imports.ImportProgressView.as_view(), name="import_progress"),
    path("tasks/", include(programme_urls.urlpatterns)),
    path("meetings/", programme.MeetingListView.as_view(), name="meetings"),
    path("meetings/new/", programme.MeetingCreateView.as_view(), name="meeting_new"),
    path("meetings/<int:meeting_id>/", programme.MeetingDetailView.as_view(), name="meeting"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/done/", programme.CompleteItemView.as_view(),
         name="complete_item"),
    path("supervision/", orders.OrderListView.as_view(), name="orders"),
    path("supervision/new/", orders.OrderCreateView.as_view(), name="order_new"),
    path("supervision/<int:pk>/", orders.OrderDetailView.as_view(), name="order"),
    path("supervision/<int:pk>/evidence/<int:evidence_id>/", orders.OrderEvidenceView.as_view(),
         name="order_evidence"),
    path("accountability/", accountability.RecordListView.as_view(), name="accountability"),
    path("accountability/new/", accountability.RecordCreateView.as_view(), name="accountability_new"),
    path("spot-checks/", spotchecks.RoundListView.as_view(), name="spot_checks"),
    path("spot-checks/<int:pk>/", spotchecks.RoundDetailView.as_view(), name="spot_check_round"),
    path("reports/", progress.SnapshotListView.as_view(), name="snapshots"),
    path("reports/exports/", progress.ExportLogView.as_view(), name="export_log"),
    path("reports/<int:pk>/", progress.SnapshotDetailView.as_view(), name="snapshot"),
    path("reports/<int:pk>/report.<str:fmt>", progress.SnapshotDownloadView.as_view(), name="snapshot_download"),
    path("reports/<int:pk>/news/", progress.SnapshotNewsView.as_view(), name="snapshot_news"),
    path("<int:pk>/", detail.CaseDetailView.as_view(), name="detail"),
    path("<int:pk>/act/<slug:name>/", detail.CaseActionView.as_view(), name="act"),
    path("<int:pk>/merge-candidates.json", detail.MergeCandidatesView.as_view(), name="merge_candidates"),
    path("<int:pk>/reporter/", identity.RevealReporterView.as_view(), name="reporter"),
    path("<int:pk>/photos/<int:photo_id>/<slug:variant>", photos.PhotoView.as_view(), name="photo"),
]

otp_urlpatterns = [
    path("verify/", otp.VerifyView.as_view(), name="verify"),
    path("setup/", otp.SetupView.as_view(), name="setup"),
    path("recovery-codes/", otp.RecoveryCodesView.as_view(), name="codes"),
]
