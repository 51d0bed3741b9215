"""Public disclosure tables of referral batches in the official layout (PRODUCT §4.5):
序号, 受理编号, 行政区域, 污染类型, 调查核实情况, 处理和整改情况, 问责情况, 办结状态.

Every case of the batch is listed (the inspectors and the public count the rows
against the referral), merged duplicates excepted. The texts come from the public
summary and the reply only while an intake officer keeps the case public; internal
findings and the reporter's identity never appear.
"""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from cases.models import AccountabilityRecord, Case, CaseSource, CaseState, ReferralBatch
from cases.supervision.accountability import public_person, wording
from cms.csvutil import csv_response

SOURCES = {"central": CaseSource.CENTRAL, "provincial": CaseSource.PROVINCIAL}
STATE_LABELS = {
    CaseState.CLOSED: gettext_lazy("Closed"),
    CaseState.STAGE_CLOSED: gettext_lazy("Stage-closed"),
    CaseState.REJECTED: gettext_lazy("Not accepted"),
}
IN_PROGRESS = pgettext_lazy("case state", "In progress")
COLUMNS = (
    gettext_lazy("No."), gettext_lazy("Case code"), gettext_lazy("Area"), gettext_lazy("Type of pollution"),
    gettext_lazy("Findings of the investigation"), gettext_lazy("Handling and rectification"),
    gettext_lazy("Accountability"), pgettext_lazy("progress", "Status"),
)


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, IN_PROGRESS))


def batches():
    return ReferralBatch.objects.order_by("source", "number")


def find_batch(source_slug: str, number: int) -> ReferralBatch | None:
    source = SOURCES.get(source_slug)
    return ReferralBatch.objects.filter(source=source, number=number).first() if source else None


def source_slug(batch: ReferralBatch) -> str:
    return "central" if batch.source == CaseSource.CENTRAL else "provincial"


def rows(batch: ReferralBatch) -> list[list[str]]:
    cases = (Case.objects.filter(batch=batch).exclude(state=CaseState.MERGED)
             .select_related("category", "subcategory", "township")
             .only("batch_sequence", "original_code", "state", "is_public", "public_summary", "reply_text",
                   "accountability", "category__name", "subcategory__name", "township__name")
             .prefetch_related(Prefetch("accountability_records", to_attr="records"))
             .order_by("batch_sequence", "original_code"))
    out = []
    for n, case in enumerate(cases, start=1):
        public = case.is_public
        kind = case.category.name + (f"（{case.subcategory.name}）" if case.subcategory_id else "")
        out.append([
            str(case.batch_sequence or n), case.original_code, case.township.name if case.township_id else "",
            kind, case.public_summary if public else _("Not yet published"),
            case.reply_text if public else "", accountability_text(case) if public else "", state_label(case.state),
        ])
    return out


def accountability_text(case: Case) -> str:
    """The 责任追究情况 cell: the records' official wording (with the names of persons
    only where a record is public), then what the handling department wrote."""
    summary = wording(case.records)
    named = [public_person(r) for r in case.records if r.is_person and r.is_public]
    if summary and named:
        summary += "（" + "、".join(named) + "）"
    return "；".join(part for part in (summary, case.accountability.strip()) if part)


def batch_accountability(batch: ReferralBatch) -> str:
    """The batch's total: records linked to the batch or to any of its cases."""
    records = AccountabilityRecord.objects.filter(Q(batches=batch) | Q(cases__batch=batch)).distinct()
    return wording(records)


def batch_csv(batch: ReferralBatch):
    filename = f"batch-{source_slug(batch)}-{batch.number}.csv"
    return csv_response(filename, [str(c) for c in COLUMNS], rows(batch))
