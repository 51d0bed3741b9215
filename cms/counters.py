"""The live counters of the home page and the progress dashboard (PRODUCT §1, §4.5).

No figure is computed here: each one comes from `cases.figures`, which defines every
public figure once. This module only chooses which figures the counters show and
caches the case figures (cms/caching.py); task figures depend on today's date and
read 18 rows, so they are not cached.
"""

from datetime import date

from django.utils import timezone

from cases import figures
from cases.models import CaseSource
from cms.caching import cached


def _case_counters() -> dict:
    return {
        "central": figures.referral_figures(CaseSource.CENTRAL),
        "provincial": figures.referral_figures(CaseSource.PROVINCIAL),
        "citizen": figures.citizen_figures(),
        "closure": figures.closure_rate(),
        "on_time": figures.on_time_rate(),
    }


def live_counters(today: date | None = None) -> dict:
    """Task figures (live) and case figures (cached)."""
    today = today or timezone.localdate()
    counters = {"tasks": figures.task_figures(today), **cached("counters", _case_counters)}
    counters["referrals"] = [("central", counters["central"]), ("provincial", counters["provincial"])]
    return counters
