"""Second factor on every admin URL (docs/product.md §4.3): pages, AJAX and exports.

A signed-in user without a verified device in this session is sent to enter a
code (or to set up an authenticator first); JSON and AJAX requests get a 403
JSON answer instead of a redirect they could not follow.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.workbench import twofactor

#: Admin URLs reachable before the second factor (by URL name).
EXEMPT_NAMES = ("wagtailadmin_login", "wagtailadmin_logout", "wagtailadmin_password_reset",
                "wagtailadmin_javascript_catalog", "wagtailadmin_sprite", "workbench_otp:verify",
                "workbench_otp:setup")


def wants_json(request) -> bool:
    return (request.headers.get("x-requested-with") == "XMLHttpRequest"
            or "application/json" in request.headers.get("accept", "")
            or request.path.endswith(".json"))


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def exempt_paths(self) -> tuple[str, ...]:
        if self._exempt is None:
            self._exempt = tuple(reverse(name) for name in EXEMPT_NAMES)
        return self._exempt

    def __call__(self, request):
        if self.must_verify(request):
            return self.refuse(request)
        return self.get_response(request)

    def must_verify(self, request) -> bool:
        if not getattr(settings, "PORTAL_REQUIRE_2FA", True):
            return False
        if not request.path.startswith(reverse("wagtailadmin_home")):
            return False
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return False
        return not request.path.startswith(self.exempt_paths())

    def refuse(self, request):
        if wants_json(request):
            return JsonResponse({"error": "two_factor_required",
                                 "detail": _("Sign in with your second factor first.")}, status=403)
        name = "workbench_otp:verify" if twofactor.has_confirmed_device(request.user) else "workbench_otp:setup"
        return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
