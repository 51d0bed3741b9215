"""``/favicon.ico``: browsers and feed readers ask for it whatever the page's ``<link rel=icon>``
says. It redirects to the static file, whose hashed name is cached far-future."""

from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@require_safe
def favicon(request):
    return HttpResponsePermanentRedirect(static("img/favicon.ico"))
