"""A Content-Security-Policy for the back office (/admin/), which Wagtail's admin works under.

The public site has its own strict policy (settings.CONTENT_SECURITY_POLICY, no inline
script at all). The admin ships five inline scripts (date and time widgets, inline and
multiple-chooser panels): their templates are overridden in cases/templates/wagtailadmin/
to carry a per-request nonce, so script-src has no 'unsafe-inline'. Inline style
attributes are allowed (Wagtail's templates and its editors use them); nothing may load
from another host, be framed by another site, or post a form elsewhere.
"""

import secrets
from contextvars import ContextVar

from django.conf import settings

from portal.csp import tile_sources

_nonce: ContextVar[str] = ContextVar("admin_csp_nonce", default="")
HEADER = "Content-Security-Policy"


def current_nonce() -> str:
    return _nonce.get()


def admin_policy(nonce: str) -> str:
    tiles = " ".join(tile_sources(settings.PORTAL_MAP_TILE_URL))
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": f"'self' data: blob: {tiles}".strip(),
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "frame-src": "'self'",
        "worker-src": "'self' blob:",
        "frame-ancestors": "'self'",
        "form-action": "'self'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class AdminCSPMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(settings.PORTAL_ADMIN_CSP_PREFIX):
            return self.get_response(request)
        nonce = secrets.token_urlsafe(16)
        token = _nonce.set(nonce)
        try:
            response = self.get_response(request)
        finally:
            _nonce.reset(token)
        response.headers.setdefault(HEADER, admin_policy(nonce))
        return response


def install_chooser_nonce() -> None:
    """Wagtail's chooser widgets (page, image, document, snippet) write their init script
    inline from Python (BaseChooser.render); give that one trusted script the nonce.
    Only the script Wagtail itself appends is touched, never HTML built from user input."""
    # Imported when called from CasesConfig.ready(): Wagtail's widgets need the app registry.
    from django.utils.safestring import mark_safe
    from wagtail.admin.widgets.chooser import BaseChooser

    if getattr(BaseChooser.render, "_portal_nonce", False):
        return
    original = BaseChooser.render

    def render(self, name, value, attrs=None, renderer=None):
        html = original(self, name, value, attrs, renderer)
        nonce = current_nonce()
        if not nonce or not html.endswith("</script>"):
            return html
        start = html.rfind("<script>")
        return mark_safe(f'{html[:start]}<script nonce="{nonce}">{html[start + len("<script>"):]}')  # noqa: S308

    render._portal_nonce = True
    BaseChooser.render = render
