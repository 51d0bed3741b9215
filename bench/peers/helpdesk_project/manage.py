#!/usr/bin/env python
"""django-helpdesk peer project for bench/run.py; runs in its own venv (bench/peers/helpdesk.py)."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproj.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
