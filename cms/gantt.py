"""Markup of the wall chart's rows and the ledger table's rows, written in Python.

Why not in the template: with 18 tasks and ~70 milestones the template engine
resolved ~1,300 variables and ran ~4,000 tag nodes per request (a nested loop to find
each row's next milestone, four number formats per marker), which was most of the
ledger's render time (docs/performance.md). Here each row is one format string; every
value from the database goes through ``escape``. The markup is the same as the
templates' was, so the styles and the tests did not change.
"""

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cms.ledger import Axis, LedgerRow

ROW = (
    '<li class="gantt-row">\n      <div class="gantt-meta">\n'
    '        <a href="{url}">{number}. {title}</a>\n'
    '        <span class="badge status-{status}">{label}</span>\n'
    '        <span class="muted">{pct}%</span>\n      </div>\n'
    '      <svg class="gantt-track" width="100%" height="24" role="img" focusable="false"\n'
    '           aria-label="{aria}">\n'
    '        <rect class="bar-bg status-{status}" x="{x:.2f}%" width="{width:.2f}%" y="6" height="12" rx="2"/>\n'
    '        <rect class="bar-done status-{status}" x="{x:.2f}%" width="{done:.2f}%" y="6" height="12" rx="2"/>\n'
    "        {markers}\n        {today}\n      </svg>\n    </li>"
)
MARKER = ('<svg x="{x:.2f}%" y="0" overflow="visible"><rect class="marker{done}" x="-3" y="3" width="6" '
          'height="18" rx="1"><title>{title} {due}{tick}</title></rect></svg>')
TODAY = '<line class="today" x1="{x:.2f}%" x2="{x:.2f}%" y1="0" y2="24"/>'
TABLE_ROW = (
    "<tr>\n    <td>{number}</td>\n"
    '    <th scope="row"><a href="{url}">{title}</a></th>\n'
    "    <td>{leader}</td>\n    <td>{lead}</td>\n    <td>{co}</td>\n    <td>{deadline}</td>\n"
    "    <td>{next}</td>\n    <td>{pct}%</td>\n"
    '    <td><span class="badge status-{status}">{label}</span></td>\n  </tr>'
)


def _day(value) -> str:
    """A public date in the reader's language: 2026年3月2日 / March 2, 2026 (docs/public-site.md)."""
    return date_format(value, "DATE_FORMAT") if value else ""


def _markers(row: LedgerRow) -> str:
    return "".join(MARKER.format(x=m.x, done=" marker-done" if m.done else "", title=escape(m.milestone.title),
                                 due=_day(m.milestone.due_date), tick=" ✓" if m.done else "")
                   for m in row.markers)


def chart_rows(rows: list[LedgerRow], axis: Axis | None, base_url: str) -> SafeString:
    """The <li> of every task on the wall chart."""
    today = TODAY.format(x=axis.today_x) if axis and axis.today_x is not None else ""
    aria = _("%(start)s to %(end)s, %(pct)s%% done, %(label)s")
    out = []
    for row in rows:
        task, progress = row.task, row.progress
        label = escape(progress.label)
        out.append(ROW.format(
            url=f"{escape(base_url)}task/{task.number}/", number=task.number, title=escape(task.title),
            status=progress.status, label=label, pct=progress.percent,
            aria=escape(aria % {"start": _day(task.start_date), "end": _day(task.deadline),
                                "pct": progress.percent, "label": progress.label}),
            x=row.bar_x, width=row.bar_width, done=row.done_width, markers=_markers(row), today=today))
    return mark_safe("\n  ".join(out))  # noqa: S308 - every database value above is escaped


def _next_milestone(row: LedgerRow) -> str:
    due = row.progress.next_milestone_due
    if not due:
        return escape(_("All completed"))
    return "".join(f"{escape(m.title)} ({_day(m.due_date)})" for m in row.milestones
                   if not m.completed_at and m.due_date == due)


def table_rows(rows: list[LedgerRow], base_url: str) -> SafeString:
    """The <tr> of every task in the ledger table."""
    out = []
    for row in rows:
        task, progress = row.task, row.progress
        out.append(TABLE_ROW.format(
            number=task.number, url=f"{escape(base_url)}task/{task.number}/", title=escape(task.title),
            leader=escape(task.responsible_leader), lead=escape(task.lead_department.name),
            co="、".join(escape(d.name) for d in row.co_units) or "—", deadline=_day(task.deadline),
            next=_next_milestone(row), pct=progress.percent, status=progress.status,
            label=escape(progress.label)))
    return mark_safe("".join(out))  # noqa: S308 - every database value above is escaped
