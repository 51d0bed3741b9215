"""bench/scale.py's seeder writes cases with raw SQL (COPY on PostgreSQL) that bypasses
the models' defaults: seed a few on the test database and read them back through the
ORM, so a new NOT NULL column fails here and not in the next `make bench`."""

import pytest

from bench import scale_measure
from cases.models import Assignment, Case, Clock
from tests import factories as f


@pytest.mark.django_db
def test_scale_seeder_writes_cases_assignments_and_clocks():
    f.department("市生态环境局", email="env@example.org")
    f.category("大气污染", code="air")
    f.township("东湖街道", boundary=f.square(117.0, 36.5), code="east")

    scale_measure.insert_cases(60, chunk=25)

    seeded = Case.objects.filter(reference__startswith="BN")
    assert seeded.count() == 60
    assert set(seeded.values_list("intake_job", flat=True)) == {""}
    in_hand = seeded.filter(state__in=["in_progress", "assigned"])
    assert in_hand.exists()
    assert Assignment.objects.filter(case__in=in_hand, role="lead").count() == in_hand.count()
    assert Clock.objects.filter(case__in=in_hand, stopped_at__isnull=True).count() == in_hand.count()
    assert seeded.filter(is_public=True).count() == 6
