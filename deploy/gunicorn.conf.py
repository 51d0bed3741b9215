"""Gunicorn settings for the portal behind nginx (deploy/README.md).

Used by the systemd unit (deploy/systemd/portal-web.service), by the deployment test
(tests/deploy/test_kit.py) and by the benchmarks. Every number can be changed from the
environment (the unit reads /etc/portal/portal.env):

    GUNICORN_BIND            address to listen on              127.0.0.1:8000
    GUNICORN_WORKERS         worker processes                  2 x cores + 1 (at most 8)
    GUNICORN_THREADS         threads per worker (gthread)      4
    GUNICORN_TIMEOUT         seconds before a stuck worker     60
                             is killed and restarted
    GUNICORN_MAX_REQUESTS    requests before a worker is       1000 (0 = never)
                             replaced (bounds slow leaks)
    GUNICORN_FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-*  127.0.0.1,::1
                             headers are trusted
    GUNICORN_LOG_LEVEL       error log level                   info

The access log goes to stdout as one JSON object per line (journald keeps it). It holds
no client address and no query string: both can carry personal data (an IP address, a
case's access code), and the portal keeps none in its logs. The request id set by nginx
joins it to the application's own log lines.
"""

import datetime
import json
import os

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8))
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5  # nginx keeps upstream connections open (keepalive in the upstream block)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max(max_requests // 10, 0)
# Only the local proxy may say the request came over https (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"
# Request line and headers: generous for the admin's long filter URLs, still bounded.
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"
proc_name = "portal-web"
# Workers import the application themselves: database connections are never shared
# across a fork, and a graceful reload (SIGHUP) picks up new code.
preload_app = False
# systemd (or the test harness) manages the process by signals; a control socket in the
# home directory would be shared, and fought over, by two instances on one machine.
control_socket_disable = True


class JsonAccessLogger(Logger):
    """One JSON object per request, the same shape as the application's log lines."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        record = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": environ.get("HTTP_X_REQUEST_ID", ""),
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "status": getattr(resp, "status_code", None),
            "bytes": getattr(resp, "sent", 0),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "pid": os.getpid(),
        }
        try:
            self.access_log.info(json.dumps(record, ensure_ascii=False))
        except Exception:  # noqa: BLE001 - never fail a request over its log line
            self.exception("access log")


logger_class = JsonAccessLogger
