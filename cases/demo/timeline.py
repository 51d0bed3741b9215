"""Moments of a case's past: staff act in office hours on working days, never after now."""

from datetime import datetime, time, timedelta

from cases.calendar import SHANGHAI, CalendarNotCovered, WorkCalendar

OPEN, CLOSE = time(8, 30), time(17, 30)


class Timeline:
    def __init__(self, calendar: WorkCalendar, now: datetime):
        self.calendar = calendar
        self.now = now
        self.limit = now - timedelta(minutes=5)

    def _working(self, day) -> bool:
        try:
            return self.calendar.is_working_day(day)
        except CalendarNotCovered:
            return day.weekday() < 5

    def office_hours(self, moment: datetime) -> datetime:
        """The moment itself if it is in office hours on a working day, else the next
        working morning (the minutes vary with the original time, so acts spread out)."""
        local = moment.astimezone(SHANGHAI)
        if self._working(local.date()) and OPEN <= local.time() <= CLOSE:
            return moment
        day = local.date()
        if local.time() > CLOSE or not self._working(day):
            day += timedelta(days=1)
            while not self._working(day):
                day += timedelta(days=1)
        offset = (local.hour * 60 + local.minute) % 420  # 09:00 … 16:00
        return datetime.combine(day, time(9, 0), tzinfo=SHANGHAI) + timedelta(minutes=offset)

    def after(self, moment: datetime, days: float, staff: bool = True) -> datetime:
        """`days` after `moment` (in office hours for staff), but always before now."""
        target = moment + timedelta(days=days)
        if staff:
            target = self.office_hours(target)
        if target > self.limit:
            target = moment + (self.limit - moment) / 2
        return max(target, moment + timedelta(seconds=1))
