"""Staff names as Chinese users write them: one full name (姓名), family name first, no space.

The whole name lives in Django's ``User.first_name`` column and ``last_name`` stays empty, so
``get_full_name()`` and everything Wagtail shows (header, user list, page history, workflow
history) read "李娜" without a custom user model. The back office's user forms and the
account page edit that one field (docs/back-office.md, "Names")."""
