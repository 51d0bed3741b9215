"""The figures a snapshot freezes: every public figure from `cases.figures` (one
definition each, shared with the public pages), plus the spot-check counts. Plain JSON
data, so a stored snapshot never changes when code or data do."""

from datetime import date

from cases.figures import all_figures
from cases.figures.oversight import spot_check_figures


def collect(as_of: date) -> dict:
    figures = all_figures(as_of)
    figures["as_of"] = as_of.isoformat()
    figures["spot_checks"] = spot_check_figures()
    return figures
