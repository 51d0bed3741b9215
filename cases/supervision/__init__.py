"""Supervision (PRODUCT §4.7): supervision orders, accountability records, spot checks."""
