"""Sign-in lockout (django-axes) helpers.

The lockout page says the same for every username, existing or not, and does not
echo it back, so it never tells whether an account exists. The client address is
portal.clientip's (AXES_CLIENT_IP_CALLABLE), the one every limit and log uses.
"""

from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    message = _("Too many failed sign-in attempts from this device. Please wait and try again later, "
                "or ask the administrator for help.")
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        return JsonResponse({"error": "locked_out", "detail": message}, status=status)
    response = TemplateResponse(request, "workbench/lockout.html", {"message": message}, status=status)
    return response.render()
