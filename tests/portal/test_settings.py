"""Settings come from the environment with safe defaults (ENGINEERING rule 9)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from portal.settings.base import caches_from_env, database_from_env, q_cluster_from_env, storages_from_env

ROOT = Path(__file__).resolve().parents[2]
PG_URL = "postgres://portal:secret@db.internal:5432/portal"
REDIS = "redis://cache.internal:6379/0"
SETTINGS_VARS = ("DJANGO_", "DATABASE_", "REDIS_", "AWS_", "SQLITE_", "PORTAL_", "Q_", "STATIC_ROOT",
                 "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "EMAIL_", "SMS_", "FIELD_ENCRYPTION_KEY")


def clean_env(tmp_path, **extra) -> dict:
    """The test process's environment without any variable the settings read."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_VARS)}
    env.update(SQLITE_PATH=str(tmp_path / "db.sqlite3"), **extra)
    return env


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def settings_as_json(module: str, env: dict) -> dict:
    code = (f"import json, {module} as s; print(json.dumps("
            "{'db': s.DATABASES['default'], 'caches': s.CACHES, 'q': s.Q_CLUSTER, 'storages': s.STORAGES},"
            " default=str))")
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_default_database_is_sqlite_with_wal_immediate_and_a_timeout(tmp_path):
    db = database_from_env("", str(tmp_path / "x.sqlite3"))
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "x.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert db["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_postgres_url_gives_the_postgresql_engine_with_persistent_connections():
    db = database_from_env(PG_URL, "unused")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "portal", "portal", "secret", "db.internal", 5432)
    assert db["CONN_MAX_AGE"] > 0 and db["CONN_HEALTH_CHECKS"] is True
    assert "transaction_mode" not in db.get("OPTIONS", {})


def test_sqlite_url_keeps_the_concurrency_options(tmp_path):
    db = database_from_env(f"sqlite:///{tmp_path}/other.db", "unused")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_without_redis_the_cache_is_local_and_the_task_broker_is_the_database():
    caches = caches_from_env("")
    assert {c["BACKEND"] for c in caches.values()} == {"django.core.cache.backends.locmem.LocMemCache"}
    q = q_cluster_from_env("")
    assert q["orm"] == "default" and "redis" not in q


def test_redis_url_switches_caches_and_the_task_broker():
    caches = caches_from_env(REDIS)
    assert caches["default"] == {"BACKEND": "portal.cache.FailSoftRedisCache", "LOCATION": REDIS}
    assert caches["ratelimit"]["BACKEND"] == "portal.cache.FailSoftRedisCache"
    q = q_cluster_from_env(REDIS)
    assert q["redis"] == REDIS and "orm" not in q


@pytest.mark.parametrize("redis_url", ["", REDIS])
def test_task_retry_exceeds_timeout_and_schedules_do_not_catch_up(redis_url):
    q = q_cluster_from_env(redis_url)
    assert q["retry"] > q["timeout"]
    assert q["catch_up"] is False


def test_local_storage_by_default_with_private_files_outside_media():
    storages = storages_from_env("")
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storages["private"]["OPTIONS"]["base_url"] is None  # never served by URL


def test_bucket_switches_public_and_private_files_to_s3(monkeypatch):
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "https://s3.internal")
    storages = storages_from_env("portal-media")
    for alias, location in (("default", "public"), ("private", "private")):
        assert storages[alias]["BACKEND"] == "storages.backends.s3.S3Storage"
        assert storages[alias]["OPTIONS"]["bucket_name"] == "portal-media"
        assert storages[alias]["OPTIONS"]["location"] == location
        assert storages[alias]["OPTIONS"]["endpoint_url"] == "https://s3.internal"
    assert storages["private"]["OPTIONS"]["querystring_auth"] is True
    assert "whitenoise" in storages["staticfiles"]["BACKEND"]


@pytest.mark.slow
def test_with_nothing_set_the_modules_choose_sqlite_locmem_and_the_orm_broker(tmp_path):
    conf = settings_as_json("portal.settings.dev", clean_env(tmp_path))
    assert conf["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert conf["db"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "WAL" in conf["db"]["OPTIONS"]["init_command"]
    assert conf["caches"]["default"]["BACKEND"].endswith("LocMemCache")
    assert conf["q"]["orm"] == "default" and "redis" not in conf["q"]
    assert conf["storages"]["default"]["BACKEND"].endswith("FileSystemStorage")


@pytest.mark.slow
def test_environment_switches_the_modules_to_postgres_and_redis(tmp_path):
    conf = settings_as_json("portal.settings.dev", clean_env(tmp_path, DATABASE_URL=PG_URL, REDIS_URL=REDIS))
    assert conf["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert conf["caches"]["default"]["BACKEND"].endswith("RedisCache")
    assert conf["q"]["redis"] == REDIS and "orm" not in conf["q"]


def secret() -> str:
    return secrets.token_urlsafe(48)


@pytest.mark.slow
@pytest.mark.parametrize("extra, missing", [
    ({"DJANGO_ALLOWED_HOSTS": "portal.example.org"}, "DJANGO_SECRET_KEY"),
    ({"DJANGO_ALLOWED_HOSTS": "portal.example.org", "DJANGO_SECRET_KEY": "too-short"}, "DJANGO_SECRET_KEY"),
    ({"DJANGO_SECRET_KEY": "x" * 64}, "DJANGO_ALLOWED_HOSTS"),
])
def test_production_refuses_to_start_without_secret_key_and_hosts(tmp_path, extra, missing):
    result = run_python("import portal.settings.production", clean_env(tmp_path, **extra))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def production_env(**overrides) -> dict:
    """Everything production requires, then `overrides` (None removes a variable)."""
    env = {"DJANGO_SECRET_KEY": secret(), "DJANGO_ALLOWED_HOSTS": "portal.example.org",
           "FIELD_ENCRYPTION_KEY": secret(), "EMAIL_HOST": "smtp.example.org", "SMS_BACKEND": "off"}
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


@pytest.mark.slow
@pytest.mark.parametrize("overrides, missing", [
    ({"FIELD_ENCRYPTION_KEY": None}, "FIELD_ENCRYPTION_KEY"),
    ({"FIELD_ENCRYPTION_KEY": "short"}, "FIELD_ENCRYPTION_KEY"),
    ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_BACKEND"),
    ({"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}, "EMAIL_BACKEND"),
    ({"EMAIL_HOST": None}, "EMAIL_HOST"),
    ({"SMS_BACKEND": None}, "SMS_BACKEND"),
    ({"SMS_BACKEND": "cases.sms.LogSmsBackend"}, "SMS_BACKEND"),
], ids=["no-field-key", "short-field-key", "console-mail", "file-mail", "no-smtp-host", "no-sms", "log-sms"])
def test_production_refuses_to_start_with_secrets_falling_back_or_messages_undelivered(tmp_path, overrides,
                                                                                        missing):
    result = run_python("import portal.settings.production", clean_env(tmp_path, **production_env(**overrides)))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


@pytest.mark.slow
def test_production_starts_with_sms_explicitly_off_and_rotated_keys(tmp_path):
    env = clean_env(tmp_path, **production_env(FIELD_ENCRYPTION_KEY=f"{secret()},{secret()}"))
    result = run_python("import portal.settings.production as s; print(s.SMS_BACKEND, s.EMAIL_BACKEND)", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["off", "django.core.mail.backends.smtp.EmailBackend"]


@pytest.mark.slow
def test_production_passes_the_deploy_checks(tmp_path):
    env = clean_env(tmp_path, DJANGO_SETTINGS_MODULE="portal.settings.production", **production_env())
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_suite_runs_on_the_test_profile_whatever_the_environment_says():
    """`make` exports DJANGO_SETTINGS_MODULE=portal.settings.dev for `make run`; the suite
    must still use the test profile (inline tasks, file test database, 2FA enforced)."""
    from django.conf import settings

    assert os.environ["DJANGO_SETTINGS_MODULE"] == "portal.settings.test"
    assert settings.SECRET_KEY.startswith("test-key")
    assert settings.Q_CLUSTER["sync"] is True and settings.PORTAL_REQUIRE_2FA is True


def test_make_test_cannot_pick_up_the_development_profile(tmp_path):
    env = clean_env(tmp_path, DJANGO_SETTINGS_MODULE="portal.settings.dev")
    result = subprocess.run([sys.executable, "-m", "pytest", "--co", "tests/portal/test_health.py"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "settings: portal.settings.test" in result.stdout
