# The staff list's order under its most used filters (docs/performance.md): built
# concurrently on PostgreSQL, so the case table stays writable (cases/operations/schema.py).

import django.db.models.lookups
from django.db import migrations, models

from cases.operations.schema import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('cases', '0015_intake_in_worker'),
        ('cases', '0016_operator_action_task_id'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='case',
            index=models.Index(models.F('lead_department'), django.db.models.lookups.IsNull(models.F('next_due_at'), True), models.F('next_due_at'), models.OrderBy(models.F('received_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='case_dept_due_order'),
        ),
        AddIndexConcurrently(
            model_name='case',
            index=models.Index(models.F('state'), django.db.models.lookups.IsNull(models.F('next_due_at'), True), models.F('next_due_at'), models.OrderBy(models.F('received_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='case_state_due_order'),
        ),
        AddIndexConcurrently(
            model_name='case',
            index=models.Index(models.F('is_overdue'), django.db.models.lookups.IsNull(models.F('next_due_at'), True), models.F('next_due_at'), models.OrderBy(models.F('received_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='case_overdue_due_order'),
        ),
    ]
