"""The department workbench inside the Wagtail admin (PRODUCT §4.3).

Every view here scopes cases through `cases.access` (ENGINEERING rule 11) and
changes them only through the case-engine services; the views validate a form,
call one service and respond (rule 1).
"""
