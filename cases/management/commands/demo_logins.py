"""Prints the demo accounts (users named demo_*) for `make run`'s start-up banner."""

import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cases import roles

ROLE_ORDER = list(roles.ROLE_LABELS)


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def role_of(user) -> str | None:
    held = roles.roles_of(user)
    return next((role for role in ROLE_ORDER if role in held), None)


def demo_rows() -> list[tuple[str, str, str]]:
    users = (get_user_model().objects.filter(username__startswith="demo_", is_active=True)
             .select_related("staff_profile__department").prefetch_related("groups"))
    rows = []
    for user in users:
        role = role_of(user)
        profile = getattr(user, "staff_profile", None)
        department = profile.department.name if profile and profile.department else ""
        label = str(roles.ROLE_LABELS[role]) if role else _("(no role)")
        rows.append((ROLE_ORDER.index(role) if role else len(ROLE_ORDER), label, user.username, department))
    return [row[1:] for row in sorted(rows)]


def format_table(header: tuple[str, ...], rows: list[tuple[str, ...]], indent: str = "  ") -> list[str]:
    widths = [max(display_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [indent + "  ".join(pad(str(cell), w) for cell, w in zip(header, widths, strict=True)).rstrip()]
    lines.append(indent + "  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(indent + "  ".join(pad(str(cell), w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return lines


class Command(BaseCommand):
    help = "Print the demo logins (users whose username starts with demo_) and their password."

    def handle(self, *args, **options):
        rows = demo_rows()
        self.stdout.write("")
        if not rows:
            self.stdout.write("  " + _("No demo accounts yet. Create them with: python manage.py seed_demo"))
            self.stdout.write("")
            return
        password = settings.PORTAL_DEMO_PASSWORD
        self.stdout.write("  " + _("Demo logins (all with the same password):"))
        header = (_("Role"), _("Username"), _("Department"), _("Password"))
        for line in format_table(header, [(*row, password) for row in rows]):
            self.stdout.write(line)
        if getattr(settings, "PORTAL_REQUIRE_2FA", True):
            self.stdout.write("  " + _("Two-factor sign-in is on: each account sets up an authenticator app first."))
        else:
            self.stdout.write("  " + _("Two-factor sign-in is off in this development profile (on in production)."))
        self.stdout.write("")
