from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms import signals

        signals.connect()

        from cases.reports.news import register_news_drafter
        from cms.progress_news import draft_progress_news

        register_news_drafter(draft_progress_news)
