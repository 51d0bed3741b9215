"""The draft news page made from a snapshot (整改进展通报).

`cases` never imports `cms` (the CMS reads the case domain, not the other way round):
the CMS registers the function that builds the draft page when it starts
(`cms.apps`), and the workbench calls it through here.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from cases.lifecycle import WorkflowError

_drafter: Callable | None = None


def register_news_drafter(function: Callable) -> None:
    """``function(snapshot, user) -> page`` (an unpublished page with a revision)."""
    global _drafter
    _drafter = function


def draft_news(snapshot, user):
    if _drafter is None:
        raise WorkflowError(_("The public site is not installed; no news page can be drafted."))
    return _drafter(snapshot, user)
