"""Structured logs: one JSON object per line, with the id of the request that caused it.

The request id comes from nginx (``X-Request-ID: $request_id``) when it is well formed,
otherwise it is made here; it is sent back in the response header, added to every log
line written while the request runs, and carried into the django-q2 tasks the request
queues, so one report's web and worker lines can be joined. The format is documented in
deploy/README.md ("Logs").

Log lines never carry personal data: the formatter drops the ``request`` object that
Django attaches to its request-logger records (its repr holds the query string, which can
hold an access code), and nothing here logs client addresses.
"""

import contextvars
import logging
import re
import uuid

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Attributes of a LogRecord never copied into the JSON object.
DROPPED_ATTRS = ["request", "server_time"]


class RequestIdMiddleware:
    """Outermost middleware: every later log line of the request carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _WELL_FORMED.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Not reset on the way out: Django logs 4xx/5xx responses after the middleware
        # chain returns. request_finished clears it (connect_signals).
        request_id_var.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class PortalJsonFormatter(JsonFormatter):
    """time, level, logger, message, request_id, then any extra fields; exc_info as text."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, *DROPPED_ATTRS])
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s", *args, **kwargs)

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging.Formatter API
        from datetime import UTC, datetime

        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


def logging_config(log_format: str, level: str) -> dict:
    """settings.LOGGING for LOG_FORMAT=json (production default) or plain (development)."""
    formatters = {
        "json": {"()": "portal.logs.PortalJsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        # redact: no contact, access code, reset link or message body in a line outside
        # DEBUG (PRODUCT §7, portal/logredact.py).
        "filters": {"request_id": {"()": "portal.logs.RequestIdFilter"},
                    "redact": {"()": "portal.logredact.RedactFilter"}},
        "formatters": {"main": formatters["json" if log_format == "json" else "plain"]},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "main",
                                 "filters": ["request_id", "redact"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }


# --- django-q2: the request id travels with the task -------------------------------


def _attach_to_task(sender, task, **kwargs):
    request_id = request_id_var.get()
    if request_id:
        task["request_id"] = request_id


def _adopt_from_task(sender, func, task, **kwargs):
    # The worker process runs one task at a time: the id holds until the next task.
    request_id_var.set(task.get("request_id", ""))


def _clear(sender, **kwargs):
    request_id_var.set("")


def connect_signals() -> None:
    from django.core.signals import request_finished
    from django_q.signals import pre_enqueue, pre_execute

    request_finished.connect(_clear, dispatch_uid="portal-request-id-clear")
    pre_enqueue.connect(_attach_to_task, dispatch_uid="portal-request-id-enqueue")
    pre_execute.connect(_adopt_from_task, dispatch_uid="portal-request-id-execute")
