"""A fresh install has one group per role (docs/product.md §3) without the demo seed."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from cases import roles


@pytest.mark.django_db
def test_migrate_creates_the_role_groups_with_admin_access():
    Group.objects.all().delete()
    call_command("migrate", verbosity=0)  # nothing to apply: post_migrate still runs
    for role in roles.ROLE_LABELS:
        assert Group.objects.get(name=role).permissions.filter(codename="access_admin").exists(), role
    call_command("migrate", verbosity=0)
    assert Group.objects.filter(name__in=list(roles.ROLE_LABELS)).count() == len(roles.ROLE_LABELS)
