from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        import cases.photos  # noqa: F401 - sets Pillow's pixel limit for every image decode, Wagtail's too
        from cases.models import Township
        from cases.routing import invalidate_township_index

        # Cache invalidation only; no business logic lives in signals.
        post_save.connect(invalidate_township_index, sender=Township, dispatch_uid="township-index-save")
        post_delete.connect(invalidate_township_index, sender=Township, dispatch_uid="township-index-delete")
