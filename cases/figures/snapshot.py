"""All public figures at once: what a progress report freezes (a plain dict)."""

from datetime import date

from cases.figures.cases import (
    REFERRAL_SOURCES,
    batch_figures,
    case_figures,
    citizen_figures,
    closure_rate,
    on_time_rate,
    public_case_count,
    referral_figures,
)
from cases.figures.oversight import accountability_figures, supervision_figures
from cases.figures.tasks import task_figures


def _rate(rate) -> dict:
    return {"part": rate.part, "whole": rate.whole, "percent": rate.percent}


def all_figures(today: date) -> dict:
    citizen = citizen_figures()
    return {
        "as_of": today.isoformat(),
        "tasks": task_figures(today).as_dict(),
        "referrals": {str(source): referral_figures(source).as_dict() for source in REFERRAL_SOURCES},
        "batches": [{"source": b.source, "number": b.number, "title": b.title or str(b), **f.as_dict()}
                    for b, f in batch_figures()],
        "citizen": {**citizen.as_dict(), "on_time": _rate(citizen.on_time),
                    "satisfaction": _rate(citizen.satisfaction)},
        "all_cases": {**case_figures().as_dict(), "closure": _rate(closure_rate()), "on_time": _rate(on_time_rate())},
        "public_cases": public_case_count(),
        "supervision": supervision_figures(),
        "accountability": accountability_figures(),
    }
