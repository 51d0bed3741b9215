# A department's dashboard counts read indexes only (docs/performance.md): its "due this
# week" needs the due time beside the state and the lead department. Built concurrently
# on PostgreSQL, so the case table stays writable (cases/operations/schema.py).

from django.db import migrations, models

from cases.operations.schema import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('cases', '0018_search_entry'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='case',
            index=models.Index(fields=['state', 'lead_department', 'next_due_at'], name='case_state_dept_due'),
        ),
    ]
