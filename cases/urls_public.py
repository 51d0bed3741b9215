"""Citizen-facing URLs, mounted inside i18n_patterns before Wagtail's catch-all
(/report/ in Chinese, /en/report/ in English)."""

from django.urls import path

from cases.views import api, public, track

urlpatterns = [
    path("report/", public.report, name="report"),
    path("report/done/", public.report_done, name="report_done"),
    path("report/done/receipt.txt", public.report_receipt, name="report_receipt"),
    path("report/follow/", public.follow, name="report_follow"),
    path("report/followed/", public.report_followed, name="report_followed"),
    path("report/captcha", api.captcha_challenge, name="report_captcha"),
    path("report/geocode", api.geocode, name="report_geocode"),
    path("report/nearby", api.nearby, name="report_nearby"),
    path("report/photo-gps", api.photo_gps, name="report_photo_gps"),
    path("report/area", api.service_area, name="report_area"),
    path("track/", track.track, name="track"),
    path("track/<str:reference>/", track.track_case, name="track_case"),
    path("track/<str:reference>/feedback", track.feedback, name="track_feedback"),
    path("track/<str:reference>/review", track.review, name="track_review"),
    path("track/<str:reference>/forget", track.forget, name="track_forget"),
    path("track/<str:reference>/photo/<int:photo_id>/<str:variant>", track.photo, name="track_photo"),
    path("track/rate/<str:token>/", track.rate, name="track_rate"),
    path("privacy/", public.privacy, name="privacy"),
]
