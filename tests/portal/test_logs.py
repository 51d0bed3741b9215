"""JSON log lines with the request id (portal/logs.py): on every line of a request, carried
into the tasks it queues, and never with the query string or the client address."""

import io
import json
import logging

import pytest
from django_q.signals import pre_execute
from django_q.tasks import async_task

from portal.logs import PortalJsonFormatter, RequestIdFilter, logging_config, request_id_var

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """Lines written to the root logger while the test runs, as the production handler formats them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(PortalJsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def log_from_task(text):
    logging.getLogger("tests.task").warning(text)


def test_every_response_carries_a_request_id(client):
    first, second = client.get("/livez"), client.get("/livez")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxy_id_is_kept_when_well_formed(client):
    assert client.get("/livez", headers={"X-Request-ID": "0f3a9c2e41b84d6e"})["X-Request-ID"] == "0f3a9c2e41b84d6e"
    forged = client.get("/livez", headers={"X-Request-ID": "x\" onload=alert(1) " + "y" * 80})["X-Request-ID"]
    assert len(forged) == 32 and "alert" not in forged


def test_a_request_log_line_is_json_with_the_id_and_without_the_query(client, json_log):
    response = client.get("/no-such-page/?code=ACCESSCODE1&phone=13800138000",
                          headers={"X-Request-ID": "req-0123456789"})
    assert response.status_code == 404
    lines = [line for line in json_log() if line["logger"] == "django.request"]
    assert lines, json_log()
    line = lines[-1]
    assert line["request_id"] == "req-0123456789" and line["level"] == "WARNING"
    assert {"time", "message", "status_code"} <= set(line)
    text = json.dumps(line, ensure_ascii=False)
    assert "ACCESSCODE1" not in text and "13800138000" not in text and "127.0.0.1" not in text


def test_a_task_runs_with_the_id_of_the_request_that_queued_it(json_log):
    seen = []

    def record(sender, func, task, **kwargs):
        seen.append(task.get("request_id"))

    pre_execute.connect(record, dispatch_uid="test-record-request-id")
    token = request_id_var.set("req-from-web-01")
    try:
        async_task("tests.portal.test_logs.log_from_task", "sending the confirmation")
    finally:
        request_id_var.reset(token)
        pre_execute.disconnect(dispatch_uid="test-record-request-id")
    assert seen == ["req-from-web-01"]
    task_line = next(line for line in json_log() if line["logger"] == "tests.task")
    assert task_line["request_id"] == "req-from-web-01"


def test_outside_a_request_the_id_is_empty(json_log):
    logging.getLogger("tests.plain").warning("sweep done")
    assert json_log()[-1]["request_id"] == ""


def test_plain_format_for_people_and_json_by_default():
    assert logging_config("plain", "INFO")["formatters"]["main"]["format"].count("%(request_id)s") == 1
    assert logging_config("json", "INFO")["formatters"]["main"]["()"] == "portal.logs.PortalJsonFormatter"
