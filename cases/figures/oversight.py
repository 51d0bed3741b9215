"""Supervision and accountability figures (PRODUCT §4.7).

The counts are defined once, next to their models, in `cases.supervision.figures`;
every public page, report and export reads them through here like the other figures.
"""


def supervision_figures() -> dict[str, int]:
    """Supervision orders (withdrawn ones excepted): issued, per level, replied, replied
    on time, accepted, waiting for the reply, overdue now."""
    from cases.supervision.figures import supervision_counts

    return supervision_counts()


def accountability_figures() -> dict:
    """Accountability records: units and persons held accountable, records per form, and
    the official wording ("约谈2家单位，问责3人")."""
    from cases.supervision.figures import accountability_counts

    return accountability_counts()


def spot_check_figures() -> dict[str, int]:
    """Look-back spot checks: sampled, checked, confirmed, relapsed, not verifiable."""
    from cases.supervision.figures import spot_check_counts

    return spot_check_counts()
