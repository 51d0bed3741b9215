"""portal.urls plus the Open311 key screens, as cases/wagtail_hooks.py would add them."""

from django.urls import include, path

from cases.api.admin_views import urlpatterns as open311_admin
from portal.urls import urlpatterns as portal

urlpatterns = [path("admin/", include(open311_admin)), *portal]
