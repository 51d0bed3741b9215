"""Extension point of the demo seed.

`seed_demo` sends `demo_seeded` after the case data is in place; receivers add their own
demo content and return a list of log lines. The public site (`cms`) connects its pages
here (`cms/apps.py`), so `cases` needs no import of `cms` (docs/architecture.md rule 10).
"""

from django.dispatch import Signal

# Sent with: now (datetime), groups (role name → Group), city (str).
demo_seeded = Signal()
