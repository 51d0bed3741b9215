from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cases.maps.views import townships_geojson
from cases.staffnames.views import StaffAccountView
from cms.search.views import search as site_search
from portal.health import healthz, livez, readyz
from portal.icons import favicon

urlpatterns = [
    path("livez", livez, name="livez"),
    path("readyz", readyz, name="readyz"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    # Before Wagtail's own account URL: the same page with one full-name field (cases/staffnames).
    path("admin/account/", require_admin_access(StaffAccountView.as_view()), name="wagtailadmin_account"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap),
    path("open311/v2/", include("cases.api.urls")),
    path("maps/townships.geojson", townships_geojson, name="map_townships"),
]

if settings.PORTAL_BENCH_REFERENCE_VIEWS:
    # bench/run.py only: a minimal view and form POST served by the same stack (off by default).
    urlpatterns.insert(0, path("__bench__/", include("bench.reference_urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Citizen pages before Wagtail's catch-all, inside i18n_patterns so /en/report/ is English
# (LocaleMiddleware forces the default language on unprefixed URLs).
urlpatterns += i18n_patterns(path("", include("cases.urls_public")),
                             path("search/", site_search, name="site_search"),  # cms: Chinese site search
                             path("", include(wagtail_urls)),
                             prefix_default_language=False)
