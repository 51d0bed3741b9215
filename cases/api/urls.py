"""Mounted at /open311/v2/ by portal/urls.py. Every resource takes a format
suffix (.xml or .json); anything else under the prefix answers in the spec's
error format."""

from django.urls import path, re_path

from . import open311

FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="open311-discovery"),
    re_path(r"^services" + FMT, open311.service_list, name="open311-services"),
    re_path(r"^services/(?P<service_code>[^/]+?)" + FMT, open311.service_definition, name="open311-service"),
    re_path(r"^requests" + FMT, open311.service_requests, name="open311-requests"),
    re_path(r"^requests/(?P<request_id>[^/]+?)" + FMT, open311.service_request, name="open311-request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, open311.token, name="open311-token"),
    re_path(r"^servicerequestupdates" + FMT, open311.request_updates, name="open311-updates"),
    re_path(r"^media/(?P<photo_id>[0-9]+)" + FMT, open311.media, name="open311-media"),
    path("<path:path>", open311.not_an_endpoint),
    path("", open311.not_an_endpoint),
]
