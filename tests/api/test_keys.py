"""API keys: stored hashed, looked up by prefix, rotated, disabled; the command."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from cases.api import keys
from cases.models import ApiClient

pytestmark = pytest.mark.django_db


def test_key_is_stored_only_as_a_hash_with_its_prefix():
    client, key = keys.create_client("微信小程序")
    client.refresh_from_db()
    assert key.startswith(client.key_prefix + "_") and len(key) > 40
    assert client.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiClient.objects.filter(pk=client.pk).values().get())
    assert keys.lookup(key) == client


@pytest.mark.parametrize("bad", ["", None, "nope", "abc_def", "x" * 500])
def test_unknown_keys_find_no_client(bad):
    keys.create_client("a")
    assert keys.lookup(bad) is None


def test_a_wrong_secret_with_a_right_prefix_fails():
    client, key = keys.create_client("a")
    assert keys.lookup(client.key_prefix + "_wrong") is None
    assert keys.lookup(key + "x") is None


def test_rotation_replaces_the_key():
    client, old = keys.create_client("a")
    new = keys.rotate_key(client)
    assert new != old and client.rotated_at is not None
    assert keys.lookup(old) is None and keys.lookup(new) == client


def test_disabled_client_is_found_and_marked_inactive():
    """Found, so the API can say why it refuses (test_errors.py::test_disabled_api_key_is_403)."""
    api_client, key = keys.create_client("a")
    keys.set_active(api_client, False)
    found = keys.lookup(key)
    assert found == api_client and not found.is_active


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("open311_client", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_command_creates_a_client_and_prints_the_key_once():
    key, notice = run("12345热线", "--rate-limit", "30/m", "--contact", "ops@example.org")
    client = keys.lookup(key)
    assert client.name == "12345热线" and client.rate_limit == "30/m" and client.contact == "ops@example.org"
    assert "shown once" in notice
    with pytest.raises(CommandError):
        run("12345热线")


def test_command_rotates_disables_and_enables():
    old, _ = run("app")
    new, _ = run("app", "--rotate")
    assert keys.lookup(old) is None and keys.lookup(new).name == "app"
    run("app", "--disable")
    assert not keys.lookup(new).is_active
    run("app", "--enable")
    assert keys.lookup(new).is_active and keys.lookup(new).name == "app"
    with pytest.raises(CommandError):
        run("missing", "--rotate")
    with pytest.raises(CommandError):
        run("other", "--rate-limit", "lots")
