"""The case page shows the reporter's browser's hash of a shrunk photo's original next
to the server's own hash, labelled as a claim (cases/reportform/claims.py)."""

import pytest

from cases.models import Photo
from tests.workbench.test_access_matrix import get_urls, world  # noqa: F401 - world: the fixture

pytestmark = pytest.mark.django_db


def test_a_shrunk_photos_claimed_original_hash_is_shown_as_a_claim(world):  # noqa: F811
    claim = "ab" * 32
    Photo.objects.update(client_sha256=claim)
    page = world["clients"]["intake"].get(get_urls(world)["detail"]).content.decode()
    assert 'class="photo-claim"' in page and f'title="{claim}"' in page
    assert "(not verified)" in page or "未经核实" in page


def test_no_claim_line_when_the_photo_was_sent_unchanged(world):  # noqa: F811
    Photo.objects.update(client_sha256=Photo.objects.get().original_sha256)
    page = world["clients"]["intake"].get(get_urls(world)["detail"]).content.decode()
    assert 'class="photo-claim"' not in page
