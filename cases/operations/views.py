"""Operator screens in the back office (deploy/README.md, "Operator screens"): second
factor reset, sign-in lockouts, failed work, the reporter-identity access log and the log
of operator actions. Administrators only (superusers and the administrator group):
everyone else gets 403 on the lists and 404 on a user's page."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from cases import roles
from cases.lifecycle import WorkflowError
from cases.models import OperatorAction
from cases.operations import accounts, identitylog, retry
from cases.operations.forms import ReasonForm, UnlockForm
from cases.reports.snapshots import log_export
from cases.workbench.base import HOME_CRUMB, WorkbenchView
from cases.workbench.exports import xlsx_response

OPERATOR_ROLES = (roles.ADMINISTRATOR,)
SECOND_FACTOR_CRUMB = {"url": reverse_lazy("operations:second_factor"),
                       "label": pgettext_lazy("operations", "Second factor")}


class OperatorView(WorkbenchView):
    required_roles = OPERATOR_ROLES


class SecondFactorListView(OperatorView):
    template_name = "operations/second_factor.html"
    page_title = pgettext_lazy("operations", "Second factor")
    header_icon = "key"

    def get(self, request):
        search = request.GET.get("q", "")[:100]
        rows = list(accounts.staff_accounts(search)[:200])
        for account in rows:
            account.role_labels = [str(roles.ROLE_LABELS.get(g.name, g.name)) for g in account.groups.all()]
        return self.render({"accounts": rows, "search": search})


class SecondFactorResetView(OperatorView):
    template_name = "operations/second_factor_reset.html"
    page_title = pgettext_lazy("operations", "Reset the second factor")
    header_icon = "key"
    object_view = True
    breadcrumbs_items = [HOME_CRUMB, SECOND_FACTOR_CRUMB]

    def get(self, request, user_id, form=None, status=200):
        account = get_object_or_404(accounts.staff_accounts(), pk=user_id)
        return self.render({"account": account, "form": form or ReasonForm(),
                            "codes_left": accounts.recovery_codes_left(account)}, status=status)

    def post(self, request, user_id):
        account = get_object_or_404(get_user_model(), pk=user_id)
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                action = accounts.reset_second_factor(request.user, account, form.cleaned_data["reason"])
                messages.success(request, _("The second factor of %(user)s was reset: %(outcome)s. They set up "
                                            "a new authenticator at their next sign-in.")
                                 % {"user": account.get_username(), "outcome": action.outcome})
                return redirect("operations:second_factor")
            except WorkflowError as exc:
                form.add_error("reason", str(exc))
        return self.get(request, user_id, form=form, status=400)


class LockoutListView(OperatorView):
    template_name = "operations/lockouts.html"
    page_title = pgettext_lazy("operations", "Sign-in lockouts")
    header_icon = "lock"

    def get(self, request, form=None, status=200):
        return self.render({"lockouts": accounts.lockouts(), "form": form or UnlockForm()}, status=status)

    def post(self, request):
        form = UnlockForm(request.POST)
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        action = accounts.unlock(request.user, username=form.cleaned_data["username"] or "",
                                 address=form.cleaned_data["address"] or "", reason=form.cleaned_data["reason"])
        messages.success(request, _("Unlocked %(subject)s: %(outcome)s.") % {"subject": action.subject,
                                                                              "outcome": action.outcome})
        return redirect("operations:lockouts")


class FailedWorkView(OperatorView):
    template_name = "operations/failures.html"
    page_title = pgettext_lazy("operations", "Failed tasks and messages")
    header_icon = "warning"

    def get(self, request, results=None):
        tasks = list(retry.failed_tasks()[:200])
        for task in tasks:
            task.error = retry.error_summary(str(task.result))
        messages_ = list(retry.failed_messages()[:200])
        for row in messages_:
            row.error = retry.message_error(row)
        return self.render({"tasks": tasks, "failed_messages": messages_, "results": results,
                            "bulk_limit": retry.BULK_LIMIT, "recent": retry.recent_task_retries()})

    def post(self, request):
        if request.POST.get("scope") == "all":
            task_ids = list(retry.failed_tasks().values_list("id", flat=True)[:retry.BULK_LIMIT])
            message_ids = list(retry.failed_messages().values_list("pk", flat=True)[:retry.BULK_LIMIT])
        else:
            task_ids = request.POST.getlist("task")
            message_ids = [v for v in request.POST.getlist("message") if v.isdigit()]
        results = retry.retry_many(request.user, task_ids=task_ids, message_ids=message_ids)
        if not results:
            messages.warning(request, _("Nothing was retried: choose failed tasks or messages first."))
        return self.get(request, results=results)


class IdentityLogView(OperatorView):
    template_name = "operations/identity_log.html"
    page_title = pgettext_lazy("operations", "Reporter identity access log")
    header_icon = "view"
    per_page = 50

    def get(self, request):
        form, data = identitylog.filter_from(request.GET)
        page = Paginator(identitylog.entries(data), self.per_page).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return self.render({"form": form, "page": page, "query": query.urlencode()})


class IdentityLogExportView(OperatorView):
    def get(self, request, fmt):
        _form, data = identitylog.filter_from(request.GET)
        rows = identitylog.entries(data)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = f"identity-access-log-{stamp}.{fmt}"
        log_export(request.user, f"identity_access_log_{fmt}", f"{name} ({identitylog.describe(data)})")
        if fmt == "xlsx":
            return xlsx_response(name, str(_("Identity access log")), [str(h) for h in identitylog.HEADINGS],
                                 identitylog.export_rows(rows),
                                 what={"kind": "identity_access_log", "user": request.user.pk,
                                       "filter": identitylog.describe(data)})
        response = StreamingHttpResponse(identitylog.csv_chunks(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class OperatorLogView(OperatorView):
    template_name = "operations/operator_log.html"
    page_title = pgettext_lazy("operations", "Operator log")
    header_icon = "history"

    def get(self, request):
        entries = OperatorAction.objects.select_related("actor", "subject_user")[:300]
        return self.render({"entries": entries})
