"""Every public figure, defined once (docs/public-site.md, "Figures").

Each figure is one function; every page, feed, export, API and report that shows a
figure calls it, so no two places can disagree. The definitions:

* **tasks** (`task_figures`): total; completed (written off through a recorded
  verification); on schedule / at risk / overdue (not written off), from the status
  the programme derives from milestones and dates (`task_status`).
* **cases** (`CaseFigures`), for a set of cases: received (every case except merged
  duplicates: a duplicate is counted in the case it was merged into); closed;
  stage-closed; not accepted (rejected); in progress (the open states); overdue
  (in progress with a deadline passed). received = closed + stage-closed +
  not accepted + in progress.
* **referrals** (`referral_figures`): the cases of one source (central, provincial);
  per batch (`batch_figures`).
* **citizen reports** (`citizen_figures`): every source other than the two
  inspections; with the on-time rate and the satisfaction rate.
* **rates**: closure rate = (closed + stage-closed) / (received - not accepted);
  on-time rate = of the closed or stage-closed cases that had a handling clock, the
  share whose handling clocks all stopped no later than due; satisfaction rate = of
  the rated cases, the share whose latest rating is satisfied or basically satisfied.
* **public cases** (`public_case_count`): the cases an intake officer made public.
* **supervision and accountability** (`supervision_figures`,
  `accountability_figures`): extension points; they report nothing until their
  models exist (see `cases/figures/oversight.py`).

`all_figures(today)` gathers them for a snapshot (the progress report).
"""

from cases.figures.cases import (
    CaseFigures,
    RateFigure,
    batch_figures,
    case_figures,
    citizen_figures,
    closure_rate,
    counted_cases,
    on_time_annotated,
    on_time_rate,
    percent,
    public_case_count,
    referral_figures,
    satisfaction_rate,
)
from cases.figures.oversight import accountability_figures, supervision_figures
from cases.figures.snapshot import all_figures
from cases.figures.tasks import TaskFigures, task_figures, task_status

__all__ = [
    "CaseFigures", "RateFigure", "TaskFigures", "accountability_figures", "all_figures", "batch_figures",
    "case_figures", "citizen_figures", "closure_rate", "counted_cases", "on_time_annotated", "on_time_rate",
    "percent", "public_case_count", "referral_figures", "satisfaction_rate", "supervision_figures",
    "task_figures", "task_status",
]
