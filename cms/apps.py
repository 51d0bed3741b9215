from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: models and the page tree are only importable once apps are ready.
        from cases.demo.hooks import demo_seeded
        from cases.reports.news import register_news_drafter
        from cms import signals
        from cms.demo_content import on_demo_seeded
        from cms.progress_news import draft_progress_news

        signals.connect()
        demo_seeded.connect(on_demo_seeded, dispatch_uid="cms-demo-site")
        register_news_drafter(draft_progress_news)
