"""Head review in the demo: 市生态环境局 has it switched on (after the history is
generated, which the head submitted), and one result waits for demo_head_env."""

from datetime import datetime

from cases.headreview import services as headreview
from cases.models import Case, CaseState, Department, HeadReview


def seed_head_review(env: Department, handler, now: datetime, log) -> None:
    if not env.head_approval_required:
        env.head_approval_required = True
        env.save(update_fields=["head_approval_required"])
    if HeadReview.objects.filter(department=env, state=HeadReview.State.PENDING).exists():
        return
    case = (Case.objects.filter(lead_department=env, state=CaseState.IN_PROGRESS).exclude(head_reviews__isnull=False)
            .order_by("received_at", "pk").first())
    if case is None:
        return
    headreview.propose(case, handler, now=now,
                       findings="经现场核查，反映问题基本属实，已责令涉事单位立即整改并安装在线监测设备。",
                       reply="经核查，您反映的问题基本属实。我局已责令涉事单位立即整改，并将持续跟踪复查。")
    log(f"head review: {case.reference} waits for the head of {env.name}")
