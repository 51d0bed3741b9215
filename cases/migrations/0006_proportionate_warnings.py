"""Running clocks that have not warned yet get the proportionate warning time
(cases.deadlines.warn_time): a short clock no longer warns from its start."""

from django.db import migrations

SHARE = 1 / 3  # cases.deadlines.WARN_SHARE when this migration was written


def forwards(apps, schema_editor):
    Clock = apps.get_model("cases", "Clock")
    pending = Clock.objects.filter(stopped_at__isnull=True, warned_at__isnull=True).only(
        "pk", "started_at", "due_at", "warn_at")
    changed = []
    for clock in pending.iterator(chunk_size=2000):
        proportionate = clock.due_at - (clock.due_at - clock.started_at) * SHARE
        if proportionate > clock.warn_at:
            clock.warn_at = proportionate
            changed.append(clock)
        if len(changed) >= 2000:
            Clock.objects.bulk_update(changed, ["warn_at"])
            changed = []
    Clock.objects.bulk_update(changed, ["warn_at"])


class Migration(migrations.Migration):
    # Linter note (cases/operations/schema.py).
    live_review = ("Touches only running clocks that have not warned yet (a few thousand rows at most), "
                   "in chunks of 2,000; new clocks are unaffected, so the row locks held until commit "
                   "block nothing a citizen does.")
    dependencies = [("cases", "0005_programme_workspace")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
