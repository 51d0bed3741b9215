"""Extension points for the supervision and accountability figures.

Supervision orders (督办单) and accountability records (问责) live in their own
subpackage (`cases/supervision/`). When their models exist, their counts are defined
here, one function each, and every public page, report and export reads them from
here like the other figures. Until then each function returns None: the pages and
the progress report show nothing rather than a number that is not computed from data.
"""


def supervision_figures() -> dict[str, int] | None:
    """Supervision orders: issued, replied, replied on time, overdue (per level).

    Extension point: return the counts once `cases.supervision` has its models."""
    return None


def accountability_figures() -> dict[str, int] | None:
    """Accountability records: units and persons held accountable, per form.

    Extension point: return the counts once `cases.supervision` has its models."""
    return None
