"""Role groups and demo staff users (docs/product.md §3).

Every demo account gets the password in settings.PORTAL_DEMO_PASSWORD. Besides the
`demo_*` accounts named in the README, each department that handles demo cases gets
one handler account (`staff_<department code>`): the workflow only lets a member of
the lead department accept and answer a case, so the history needs real actors.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from cases import roles
from cases.models import Department, StaffProfile

from .geography import MAIL_DOMAIN

DEMO_TOWN = "gov-baisha"  # the township government demo_handler_town works for

# username → (role, department code or None, name)
DEMO_USERS = {
    "demo_intake": (roles.INTAKE, "office", "李娜"),
    "demo_office": (roles.OFFICE, "office", "王芳"),
    "demo_handler_env": (roles.HANDLER, "env", "张伟"),
    "demo_handler_water": (roles.HANDLER, "water", "刘洋"),
    "demo_handler_town": (roles.HANDLER, DEMO_TOWN, "陈静"),
    "demo_head_env": (roles.HEAD, "env", "赵强"),
    "demo_supervisor": (roles.SUPERVISOR, None, "孙丽"),
    "demo_editor": (roles.EDITOR, None, "周敏"),
    "demo_chief_editor": (roles.EDITOR, None, "郑洁"),  # also a moderator: approves pages (cms.demo)
    "demo_admin": (roles.ADMINISTRATOR, None, "吴刚"),
}
STAFF_NAMES = "黄磊 徐静 马超 罗敏 梁勇 宋洁 郑浩 谢芳 韩冰 唐军 冯雪 于海 董梅 程亮 曹阳 袁媛 邓辉 许可".split()


def demo_password() -> str:
    return getattr(settings, "PORTAL_DEMO_PASSWORD", "Demo-2026-portal")


def seed_groups() -> dict[str, Group]:
    """One group per role, each allowed into the Wagtail admin."""
    return roles.ensure_role_groups()


class UserMaker:
    """Creates staff users idempotently; the password is hashed once for all of them
    (PBKDF2 per user would cost seconds and adds nothing for a shared demo password)."""

    def __init__(self, groups: dict[str, Group]):
        self.groups = groups
        self._hash = None

    def _password_hash(self) -> str:
        if self._hash is None:
            self._hash = make_password(demo_password())
        return self._hash

    def make(self, username: str, role: str, department: Department | None, name: str):
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(username=username, password=self._password_hash())
        user.first_name, user.last_name = name, ""  # one full name (cases/staffnames)
        user.email = f"{username}@{MAIL_DOMAIN}"
        user.is_staff = True
        user.is_active = True
        user.is_superuser = role == roles.ADMINISTRATOR
        user.save()
        user.groups.add(self.groups[role])
        if department is not None:
            StaffProfile.objects.update_or_create(user=user, defaults={"department": department})
        return user


def seed_users(groups: dict[str, Group], depts: dict[str, Department]) -> dict[str, object]:
    """Demo users by username, plus `handlers`: department code → a handler who acts for it."""
    maker = UserMaker(groups)
    users: dict[str, object] = {}
    handlers: dict[str, object] = {}
    for username, (role, dept_code, name) in DEMO_USERS.items():
        dept = depts[dept_code] if dept_code else None
        users[username] = maker.make(username, role, dept, name)
        if role == roles.HANDLER:
            handlers[dept_code] = users[username]
    names = iter(STAFF_NAMES)
    for code, dept in sorted(depts.items()):
        if code == "office" or code in handlers:
            continue
        handlers[code] = maker.make(f"staff_{code}", roles.HANDLER, dept, next(names, "王磊"))
    users["handlers"] = handlers
    return users
