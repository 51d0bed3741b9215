"""The benchmark seeders write rows with raw SQL and bulk inserts that bypass the
models' defaults: a new NOT NULL column breaks them silently until the next
`make bench`. Seed a few rows with each on the test database and read them back
through the ORM."""

import pytest

from bench import seed_volume, sweep_bench
from cases.models import Assignment, Case, Clock, SearchEntry
from tests import factories as f


@pytest.mark.django_db
def test_sweep_seeder_writes_cases_and_running_clocks():
    sweep_bench.seed(50)

    seeded = Case.objects.filter(reference__startswith="BN")
    assert seeded.count() == 50
    open_cases = seeded.exclude(state="closed").count()
    assert open_cases == 35  # x % 10 < 6 in progress, 9 assigned: 7 of every 10
    assert Clock.objects.filter(case__in=seeded, stopped_at__isnull=True).count() == open_cases
    assert set(seeded.values_list("intake_job", flat=True)) == {""}


@pytest.mark.django_db
def test_volume_seeder_writes_cases_assignments_and_search_entries():
    f.department("市生态环境局", email="env@example.org")
    f.category("大气污染", code="air")
    f.township("东湖街道", boundary=f.square(117.0, 36.5), code="east")
    total_before = Case.objects.count()

    assert seed_volume.bulk_cases(40) == total_before + 40
    assert seed_volume.public_cases(10) == 10

    seeded = Case.objects.filter(reference__startswith="BN")
    in_hand = seeded.filter(state__in=["in_progress", "assigned"])
    assert Assignment.objects.filter(case__in=in_hand, role="lead").count() == in_hand.count()
    public = list(seeded.filter(is_public=True).values_list("pk", flat=True))
    assert len(public) == 10
    located = seeded.filter(is_public=True, latitude__range=(36.5, 36.8), longitude__range=(117.0, 117.4))
    assert located.count() == 10  # inside the demo city: one open-data GeoJSON feature each
    assert SearchEntry.objects.filter(object_id__in=public).count() >= 10
