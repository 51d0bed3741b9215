"""Staff roles (PRODUCT §3). A role is a Django group; a user's department is on
their StaffProfile. Every access decision asks these functions."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

INTAKE = "intake_officer"
OFFICE = "rectification_office"
HANDLER = "department_handler"
HEAD = "department_head"
SUPERVISOR = "supervisor"
EDITOR = "editor"
ADMINISTRATOR = "administrator"

#: Who issues supervision orders, records accountability and draws spot checks.
SUPERVISION_ROLES = (SUPERVISOR, OFFICE)

ROLE_LABELS = {
    INTAKE: _("Intake officer"),
    OFFICE: _("Rectification office"),
    HANDLER: _("Department handler"),
    HEAD: _("Department head"),
    SUPERVISOR: _("Supervisor"),
    EDITOR: _("Editor"),
    ADMINISTRATOR: pgettext_lazy("role", "Administrator"),
}


def roles_of(user) -> frozenset[str]:
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached |= {ADMINISTRATOR}
        user._portal_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def department_of(user):
    if user is None or not user.is_authenticated:
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.department if profile else None


def department_id_of(user) -> int | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.staff_profile.department_id
    except Exception:  # no profile: not a department member
        return None


def ensure_role_groups() -> dict:
    """One group per role, each allowed into the Wagtail admin (idempotent). Run after
    every `migrate` (cases.apps), so a fresh production install has the roles without
    the demo seed; an administrator then only adds people to groups."""
    from django.contrib.auth.models import Group, Permission

    access_admin = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").first()
    groups = {}
    for role in ROLE_LABELS:
        groups[role], _created = Group.objects.get_or_create(name=role)
        if access_admin is not None:
            groups[role].permissions.add(access_admin)
    return groups
