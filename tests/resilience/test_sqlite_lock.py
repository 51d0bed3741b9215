"""Another process holds SQLite's write lock for 3 s while a citizen submits a report.

What the citizen sees: the submission takes about 3 s longer and then succeeds with
its reference number. Why: IMMEDIATE transactions wait up to the 20 s busy timeout
(portal/settings/base.py) instead of failing with "database is locked". Nothing is
lost: the case and its photo are stored once. PostgreSQL has no such lock: skipped.
"""

import sqlite3
import threading
import time

import pytest
from django.db import connection

from cases.intake import ReporterInput, ReportInput, submit_case
from cases.models import Case, Photo
from tests.resilience.conftest import jpeg

pytestmark = pytest.mark.django_db(transaction=True)
HOLD_SECONDS = 3.0


@pytest.fixture
def sqlite_file():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite writer lock: PostgreSQL has row locks, no database-wide writer lock")
    name = connection.settings_dict["NAME"]
    if not name or name == ":memory:" or "mode=memory" in str(name):
        pytest.skip("needs a file database that a second connection can open")
    return name


def hold_write_lock(path: str, locked: threading.Event, release: threading.Event, held: list) -> None:
    other = sqlite3.connect(path, timeout=1, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # the writer lock, as another process's transaction would hold it
        started = time.monotonic()
        locked.set()
        release.wait(HOLD_SECONDS)  # bounded: released after 3 s at the latest
        other.execute("COMMIT")
        held.append(time.monotonic() - started)
    finally:
        other.close()


def test_submission_waits_for_the_lock_and_succeeds(city, sqlite_file):
    locked, release, held = threading.Event(), threading.Event(), []
    holder = threading.Thread(target=hold_write_lock, args=(sqlite_file, locked, release, held))
    holder.start()
    try:
        assert locked.wait(10), "the second connection could not take the write lock"
        started = time.monotonic()
        result = submit_case(
            ReportInput(category=city.air, description="夜间偷排废水", latitude=36.55, longitude=117.05,
                        location_source="pin", idempotency_key="lock-test-0001"),
            ReporterInput(name="王五", phone="13900139000"), [jpeg()])
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(10)
    assert held and held[0] >= HOLD_SECONDS - 0.1
    assert waited >= HOLD_SECONDS - 0.5, f"the submission did not wait for the lock ({waited:.2f} s)"
    assert result.created and result.access_code  # the citizen gets a reference and access code
    assert Case.objects.filter(idempotency_key="lock-test-0001").count() == 1
    assert Photo.objects.filter(case=result.case).count() == 1
