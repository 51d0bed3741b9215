from django.apps import AppConfig, apps
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, not at the top: models exist only once the app registry is ready.
        import cases.maps.checks  # noqa: F401 - registers the map and geocoder settings checks
        import cases.photos  # noqa: F401 - sets Pillow's pixel limit for every image decode, Wagtail's too
        import cases.workbench.hooks  # noqa: F401 - registers the workbench's Wagtail hooks
        from cases import casedata, refcache
        from cases.models import (
            ActionItem,
            Category,
            DeadlinePolicy,
            Department,
            JointMeeting,
            Milestone,
            RectificationTask,
            ReferralBatch,
            SpotCheck,
            Township,
            WorkCalendarDay,
            WorkCalendarYear,
        )
        from cases.routing import township_changed
        from portal.logs import connect_signals

        connect_signals()  # the request id of log lines, also in the tasks a request queues
        from portal.admincsp import install_chooser_nonce  # patches Wagtail's widgets: needs the registry

        install_chooser_nonce()  # the back office's CSP nonce on Wagtail's chooser scripts
        from cases.workbench.chrome import install_sidebar_cache  # wraps a Wagtail tag: needs the registry

        install_sidebar_cache()  # Wagtail's sidebar rendered once per user and language (docs/performance.md)
        post_migrate.connect(_role_groups_after_migrate, dispatch_uid="cases-role-groups")

        # Cache invalidation only; no business logic lives in signals. Every township edit
        # (admin screen, shell, import) rebuilds the township index through these two.
        post_save.connect(township_changed, sender=Township, dispatch_uid="township-index-save")
        post_delete.connect(township_changed, sender=Township, dispatch_uid="township-index-delete")

        for model, name in ((WorkCalendarDay, "calendar"), (WorkCalendarYear, "calendar"),
                            (DeadlinePolicy, "policies"), (Category, "categories")):
            def handler(*_args, _name=name, **_kwargs):
                refcache.invalidate(_name)

            post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"refcache-save-{model.__name__}")
            post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"refcache-del-{model.__name__}")

        # Every write to the case table renews the case-data token the public pages'
        # caches key on (cases/casedata.py): caught at the SQL level, bulk updates included.
        connection_created.connect(casedata.install, dispatch_uid="case-data-token")
        for connection in connections.all(initialized_only=True):
            casedata.install(connection=connection)

        # Data shown on the public pages besides cases (cases.programme also bumps it
        # after its bulk updates, which send no signal).
        for model in (ActionItem, Category, Department, JointMeeting, Milestone, RectificationTask, ReferralBatch,
                      SpotCheck, Township):
            for signal, verb in ((post_save, "save"), (post_delete, "del")):
                signal.connect(refcache.public_data_changed, sender=model,
                               dispatch_uid=f"public-data-{verb}-{model.__name__}")


def _role_groups_after_migrate(app_config, using="default", **_kwargs):
    # Once per migrate, after the last app's permissions exist (wagtailadmin's
    # access_admin among them). post_migrate is sent only for apps with a models module,
    # in INSTALLED_APPS order.
    if app_config is [a for a in apps.get_app_configs() if a.models_module is not None][-1]:
        from cases.roles import ensure_role_groups  # roles needs the auth models: not importable at load time

        ensure_role_groups()
