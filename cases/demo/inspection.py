"""Referral batches from the central and provincial inspections (docs/product.md §1, §4.2).

Central: 8 batches, 153 petition cases — 152 closed, 1 in progress on schedule (a
relapse found by this autumn's self-check before the look-back, reopened a few days
ago, so its handling clock has only just started). Provincial: 2 batches, 15 cases,
all closed.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from cases.calendar import SHANGHAI, end_of_day
from cases.models import CaseSource, ReferralBatch

from . import texts
from .compose import ReportText, report_text
from .geography import TOWNSHIPS
from .planner import SUBTYPES, _weighted

CENTRAL_BATCHES = [("2025-05-28", 12), ("2025-06-01", 18), ("2025-06-04", 21), ("2025-06-07", 23),
                   ("2025-06-10", 22), ("2025-06-13", 20), ("2025-06-16", 19), ("2025-06-19", 18)]
PROVINCIAL_BATCHES = [("2025-09-10", 8), ("2025-09-19", 7)]
BATCH_DAYS = 10
TITLES = {CaseSource.CENTRAL: "中央第三生态环境保护督察组交办第{n}批信访件",
          CaseSource.PROVINCIAL: "省第二生态环境保护督察组交办第{n}批信访件"}
ROOT_WEIGHTS = {"air": 24, "water": 24, "noise": 10, "solid_waste": 14, "ecology": 14, "soil": 6,
                "radiation": 2, "other": 6}
STAGE_CLOSED_SHARE = 0.07  # long-term problems: stage-closed under a task, closed when it was written off


@dataclass
class ReferralPlan:
    key: str
    source: str
    batch_number: int
    sequence: int
    original_code: str
    received: datetime
    is_key_case: bool
    root: str
    subtype: str | None
    town: str
    text: ReportText
    verdict: str
    action_index: int
    accountability: str
    public: bool
    stage_closed: bool
    relapse: bool = False  # the one case still in progress
    gaps: dict = field(default_factory=dict)


def batch_times(day: str) -> tuple[datetime, datetime]:
    received = datetime.combine(date.fromisoformat(day), time(10, 0), tzinfo=SHANGHAI)
    return received, end_of_day(received.date() + timedelta(days=BATCH_DAYS))


def seed_batches(intake) -> dict[tuple[str, int], ReferralBatch]:
    batches = {}
    for source, specs in ((CaseSource.CENTRAL, CENTRAL_BATCHES), (CaseSource.PROVINCIAL, PROVINCIAL_BATCHES)):
        for number, (day, count) in enumerate(specs, start=1):
            received, due = batch_times(day)
            batches[source, number], _c = ReferralBatch.objects.update_or_create(
                source=source, number=number, defaults={
                    "title": TITLES[source].format(n=number), "received_at": received, "due_at": due,
                    "note": f"共{count}件，要求{BATCH_DAYS}日内报送办理情况。", "imported_by": intake})
    return batches


def _code(source: str, day: str, sequence: int) -> str:
    stamp = day.replace("-", "")
    return f"D3SD{stamp}{sequence:04d}" if source == CaseSource.CENTRAL else f"XSD{stamp}{sequence:04d}"


def _one(rng: random.Random, source: str, number: int, day: str, sequence: int, in_batch: int) -> ReferralPlan:
    town = rng.choice([code for code, *_r in TOWNSHIPS])
    root = _weighted(rng, ROOT_WEIGHTS)
    options = SUBTYPES[root] + ([root] if root in texts.TEMPLATES else [])
    subtype = rng.choice(options)
    text = report_text(rng, subtype, town)
    text = ReportText(title=text.title, description=f"来信反映：{text.description}",
                      polluter=text.polluter, place=text.place)
    verdict = _weighted(rng, {"true": 60, "partly": 30, "false": 10})
    received, _due = batch_times(day)
    return ReferralPlan(
        key=f"demo-{source}-{sequence:03d}", source=source, batch_number=number, sequence=in_batch,
        original_code=_code(source, day, sequence), received=received + timedelta(minutes=in_batch),
        is_key_case=rng.random() < 0.12, root=root, subtype=None if subtype == root else subtype, town=town,
        text=text, verdict=verdict, action_index=rng.randrange(12),
        accountability=rng.choice(texts.ACCOUNTABILITY) if verdict != "false" else "",
        public=rng.random() < 0.85, stage_closed=rng.random() < STAGE_CLOSED_SHARE,
        gaps={"dispatch": rng.uniform(0.02, 0.2), "accept": rng.uniform(0.05, 0.6),
              "co_accept": rng.uniform(0.05, 0.4), "co_part": rng.uniform(0.8, 2), "handle": rng.uniform(0.5, 2),
              "review": rng.uniform(0.2, 1), "publish": rng.uniform(0.5, 3)},
    )


def referral_plans(rng: random.Random) -> list[ReferralPlan]:
    plans = []
    for source, specs in ((CaseSource.CENTRAL, CENTRAL_BATCHES), (CaseSource.PROVINCIAL, PROVINCIAL_BATCHES)):
        sequence = 0
        for number, (day, count) in enumerate(specs, start=1):
            for in_batch in range(1, count + 1):
                sequence += 1
                plans.append(_one(rng, source, number, day, sequence, in_batch))
    central = [p for p in plans if p.source == CaseSource.CENTRAL]
    relapse = central[-3]  # last batch: an illegal sand-dredging key case
    relapse.relapse, relapse.stage_closed, relapse.is_key_case, relapse.public = True, False, True, True
    relapse.root, relapse.subtype, relapse.verdict = "ecology", "illegal_sand", "true"
    relapse.text = report_text(rng, "illegal_sand", relapse.town)
    relapse.text = ReportText(title=relapse.text.title, description=f"来信反映：{relapse.text.description}",
                              polluter=relapse.text.polluter, place=relapse.text.place)
    return plans
