"""Supervision (docs/product.md §4.7): supervision orders, accountability records, spot checks."""
