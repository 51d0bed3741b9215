"""Shared pieces of the configuration viewsets."""

from django.contrib import messages
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.admin.views.generic import DeleteView
from wagtail.admin.viewsets.model import ModelViewSet


class GuardedDeleteView(DeleteView):
    """Refuses, with a message, to delete a row that cases or other rows still use.

    Wagtail's reference index does not know about unregistered models such as
    Case, so a PROTECT foreign key would otherwise surface as a server error.
    """

    def form_valid(self, form):
        if self.usage and self.usage.is_protected:  # known to Wagtail's reference index
            return self.refuse()
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except (ProtectedError, RestrictedError):  # known only to the database
            return self.refuse()

    def refuse(self):
        messages.error(self.request, _(
            "“%(object)s” is still used by other records and cannot be deleted. "
            "Mark it inactive instead, or remove those records first."
        ) % {"object": self.object})
        return redirect(self.index_url_name)


class AdministratorViewSet(ModelViewSet):
    """A configuration screen for administrators only.

    Access is decided by `cases.permissions.AdministratorOnlyPolicy`, registered
    for each model in cases/wagtail_hooks.py, so Django model permissions are not
    offered in the group editor, where ticking them would have no effect.
    """

    copy_view_enabled = False
    search_backend_name = None  # reference data is not in the search index: use the ORM
    delete_view_class = GuardedDeleteView
    list_per_page = 50
    #: Relations joined in the listing, so the query count stays flat.
    list_select_related: tuple[str, ...] = ()
    list_prefetch_related: tuple[str, ...] = ()

    def get_permissions_to_register(self):
        return Permission.objects.none()

    def get_index_view_kwargs(self, **kwargs):
        if self.list_select_related or self.list_prefetch_related:
            queryset = self.model._default_manager.select_related(*self.list_select_related)
            kwargs.setdefault("queryset", queryset.prefetch_related(*self.list_prefetch_related))
        return super().get_index_view_kwargs(**kwargs)
