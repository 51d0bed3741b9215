"""E-mail backend for the load profiles: records each message's Message-ID in a file
(one short O_APPEND line per message, safe across processes) instead of sending it.

The outbox gives every notification the Message-ID <notification-PK@domain>, so
bench/load.py can prove that no notification was lost and none was sent twice.
Enabled with EMAIL_BACKEND=bench.mailsink.SinkBackend and BENCH_MAIL_SINK=<file>.
"""

import os

from django.core.mail.backends.base import BaseEmailBackend


class SinkBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        path = os.environ["BENCH_MAIL_SINK"]
        lines = "".join(f"{m.extra_headers.get('Message-ID', '?')}\t{os.getpid()}\n" for m in email_messages)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, lines.encode())
        finally:
            os.close(fd)
        return len(email_messages)
