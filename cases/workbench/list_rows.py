"""The staff case list's table rows, written in Python (docs/performance.md, "Staff list").

The template engine resolved ~30 variables, an include and a dozen tags per row, and
looked up every label's translation per row: for 50 rows it was most of the page's
time. Same markup as before: labels are translated once per page, values escaped.
"""

from collections.abc import Iterable
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cases.models import Case, CaseState

_PK = 987654321


def _due(case: Case, now: datetime, text: dict[str, str]) -> str:
    if not case.next_due_at:
        return f'<span class="wb-muted">{text["none"]}</span>'
    local = timezone.localtime(case.next_due_at)
    shown = f'<time datetime="{date_format(local, "c")}">{date_format(local, "Y-m-d H:i")}</time></span>'
    if case.is_overdue or case.next_due_at < now:
        return f'<span class="wb-due wb-due--overdue"><strong>{text["overdue"]}</strong> {shown}'
    if getattr(case, "is_warning", False):
        return f'<span class="wb-due wb-due--warning"><strong>{text["soon"]}</strong> {shown}'
    return f'<span class="wb-due">{shown}'


def case_rows(cases: Iterable[Case], now: datetime, bulk: bool) -> SafeString:
    """One ``<tr>`` per case, as the list template wrote them."""
    text = {"overdue": escape(_("Overdue")), "soon": escape(_("Due soon")), "none": escape(_("No running deadline")),
            "escalated": escape(_("Escalated")), "key": escape(_("Key case")), "no": escape(_("No"))}
    states = {value: escape(str(label)) for value, label in CaseState.choices}
    detail = reverse("workbench:detail", args=[_PK]).replace(str(_PK), "{}")
    rows = []
    for case in cases:
        ref = escape(case.reference)
        cells = []
        if bulk:
            box = ""
            if case.state == CaseState.SUBMITTED:
                label = escape(_("Select %(ref)s") % {"ref": case.reference})
                box = (f'<input type="checkbox" form="bulk-dispatch" name="bulk-cases" value="{case.pk}:{case.version}"'
                       f' id="sel-{case.pk}" aria-label="{label}">')
            cells.append(f"<td>{box}</td>")
        first = f'<a href="{detail.format(case.pk)}">{ref}</a>'
        if case.original_code:
            first += f"<br><small>{escape(case.original_code)}</small>"
        if case.title:
            first += f"<br><small>{escape(case.title)}</small>"
        category = escape(case.category.name) if case.category_id else ""
        if case.subcategory_id:
            category += f" / {escape(case.subcategory.name)}"
        state = states.get(case.state, escape(case.state))
        if case.is_supervised:
            state += f' <span class="wb-tag wb-tag--overdue">{text["escalated"]}</span>'
        key = (f'<span class="wb-tag">{text["key"]}</span>' if case.is_key_case
               else f'<span class="w-sr-only">{text["no"]}</span>')
        cells += [f"<td>{first}</td>", f"<td>{category}</td>",
                  f"<td>{escape(case.township.name) if case.township_id else '—'}</td>",
                  f"<td>{escape(case.lead_department.name) if case.lead_department_id else '—'}</td>",
                  f"<td>{state}</td>", f"<td>{_due(case, now, text)}</td>", f"<td>{key}</td>"]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return mark_safe("\n".join(rows))

