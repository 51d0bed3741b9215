"""The department workbench inside the Wagtail admin (docs/product.md §4.3).

Every view here scopes cases through `cases.access` (docs/architecture.md rule 11) and
changes them only through the case-engine services; the views validate a form,
call one service and respond (rule 1).
"""
