"""The WSGI entry point of the benchmark server: the portal, plus a bare Django view.

``/__bare__/`` is answered by a Django handler with no middleware at all (no security
headers, whitenoise, page cache, sessions, CSRF, locale, authentication, CSP): Django's
own request/response cost for a small page, which is the reference the portal's pages
are compared with. Every other path goes to ``portal.wsgi.application`` unchanged, in
the same gunicorn worker, so both share the process, the settings and the load.
"""

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse

from portal.wsgi import application as portal_application

BARE_PATH = "/__bare__/"
PAGE = "<!doctype html><html lang=zh-hans><head><title>ok</title></head><body><p>ok</p></body></html>"


def bare_view(request):
    return HttpResponse(PAGE)


class BareHandler(WSGIHandler):
    """Django's WSGI handler with an empty middleware chain and one view."""

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(bare_view)


bare_application = BareHandler()


def application(environ, start_response):
    if environ.get("PATH_INFO") == BARE_PATH:
        return bare_application(environ, start_response)
    return portal_application(environ, start_response)
