"""Official State Council holiday schedules (国务院办公厅关于部分节假日安排的通知).

Each break lists every day off (weekends inside the break included) and the
make-up working days (调休上班). Later years are entered by administrators.
"""

from datetime import date, timedelta


def _days(first: str, last: str) -> list[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


SCHEDULES: dict[int, dict] = {
    2025: {
        "source": "国办发明电〔2024〕12号",
        "breaks": [
            ("元旦", "2025-01-01", "2025-01-01"),
            ("春节", "2025-01-28", "2025-02-04"),
            ("清明节", "2025-04-04", "2025-04-06"),
            ("劳动节", "2025-05-01", "2025-05-05"),
            ("端午节", "2025-05-31", "2025-06-02"),
            ("国庆节、中秋节", "2025-10-01", "2025-10-08"),
        ],
        "workdays": [
            ("春节调休", "2025-01-26"), ("春节调休", "2025-02-08"), ("劳动节调休", "2025-04-27"),
            ("国庆节调休", "2025-09-28"), ("国庆节调休", "2025-10-11"),
        ],
    },
    2026: {
        "source": "国办发明电〔2025〕7号",
        "breaks": [
            ("元旦", "2026-01-01", "2026-01-03"),
            ("春节", "2026-02-15", "2026-02-23"),
            ("清明节", "2026-04-04", "2026-04-06"),
            ("劳动节", "2026-05-01", "2026-05-05"),
            ("端午节", "2026-06-19", "2026-06-21"),
            ("中秋节", "2026-09-25", "2026-09-27"),
            ("国庆节", "2026-10-01", "2026-10-07"),
        ],
        "workdays": [
            ("元旦调休", "2026-01-04"), ("春节调休", "2026-02-14"), ("春节调休", "2026-02-28"),
            ("劳动节调休", "2026-05-09"), ("国庆节调休", "2026-09-20"), ("国庆节调休", "2026-10-10"),
        ],
    },
}


def official_days(year: int) -> tuple[list[tuple[date, str]], list[tuple[date, str]]]:
    """(holidays, make-up workdays) of a seeded year, as (date, name) pairs."""
    schedule = SCHEDULES[year]
    holidays = [(d, name) for name, first, last in schedule["breaks"] for d in _days(first, last)]
    workdays = [(date.fromisoformat(d), name) for name, d in schedule["workdays"]]
    return holidays, workdays
