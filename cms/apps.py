from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: models and the page tree are only importable once apps are ready.
        from cases.demo.hooks import demo_seeded
        from cms import signals
        from cms.demo_content import on_demo_seeded

        signals.connect()
        demo_seeded.connect(on_demo_seeded, dispatch_uid="cms-demo-site")
