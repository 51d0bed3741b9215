"""`{% csp_nonce %}`: the nonce of the back office's Content-Security-Policy.

Wagtail renders a few inline scripts (date widgets, inline panels) in templates that
see no request, so the nonce travels in a context variable set by
portal.admincsp.AdminCSPMiddleware for the duration of an admin request.
"""

from django import template

from portal.admincsp import current_nonce

register = template.Library()


@register.simple_tag
def csp_nonce() -> str:
    return current_nonce()
