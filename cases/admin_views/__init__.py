"""Wagtail admin screens. `reference` and `programme` hold the administrators'
configuration viewsets; cases/wagtail_hooks.py registers them."""
