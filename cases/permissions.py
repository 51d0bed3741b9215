"""Wagtail permission policies for the portal's admin screens.

Configuration screens belong to administrators (docs/product.md §3). Django model
permissions would let anyone who edits groups hand them out piecemeal; the role
is the single source of truth instead, so the policy asks `cases.roles`.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies import BasePermissionPolicy

from cases import roles


def is_administrator(user) -> bool:
    """Superusers and active members of the administrator group."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return roles.has_role(user, roles.ADMINISTRATOR)


class AdministratorOnlyPolicy(BasePermissionPolicy):
    """Everything for administrators, nothing for anyone else.

    `actions` narrows what even administrators may do on a model, e.g.
    `{"change"}` for rows that are created elsewhere (imports, key issuing) and
    must never be added or deleted by hand. None means every action.
    """

    def __init__(self, model, actions: Iterable[str] | None = None):
        super().__init__(model)
        self.allowed_actions = frozenset(actions) if actions is not None else None

    def _allows(self, action: str) -> bool:
        return self.allowed_actions is None or action in self.allowed_actions

    def user_has_permission(self, user, action):
        return self._allows(action) and is_administrator(user)

    def user_has_any_permission(self, user, actions):
        return any(self._allows(action) for action in actions) and is_administrator(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if not any(self._allows(action) for action in actions):
            return users.none()
        return users.filter(Q(is_superuser=True) | Q(groups__name=roles.ADMINISTRATOR)).distinct()
