"""Seed the helpdesk peer: a public queue, a staff user, N tickets (bulk insert).

Usage (in the helpdesk venv): python seed.py N PASSWORD
"""

import os
import sys
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproj.settings")
import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.utils import timezone  # noqa: E402
from helpdesk.models import Queue, Ticket  # noqa: E402


def main(n: int, password: str) -> None:
    queue, _ = Queue.objects.get_or_create(slug="public", defaults={
        "title": "Public reports", "allow_public_submission": True, "new_ticket_cc": "", "updated_ticket_cc": ""})
    staff, created = User.objects.get_or_create(username="bench_staff", defaults={"is_staff": True,
                                                                                 "email": "s@example.org"})
    staff.is_staff = True
    staff.set_password(password)
    staff.save()
    have = Ticket.objects.count()
    now = timezone.now()
    batch = []
    for i in range(have, n):
        when = now - timedelta(minutes=i)
        batch.append(Ticket(title=f"Ticket {i}: odour near the river", queue=queue, created=when, modified=when,
                            submitter_email=f"citizen{i}@example.org", status=Ticket.OPEN_STATUS if i % 3 else
                            Ticket.RESOLVED_STATUS, description="Strong smell at night " * 5, priority=3))
        if len(batch) == 2000:
            Ticket.objects.bulk_create(batch)
            batch = []
    if batch:
        Ticket.objects.bulk_create(batch)
    print(Ticket.objects.count())


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
