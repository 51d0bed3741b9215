"""The draft news page (整改进展通报) made from a progress snapshot (PRODUCT §4.8).

Registered with `cases.reports.news` when the CMS starts, so the workbench can ask for a
draft without `cases` importing `cms`. The page is unpublished: the communications
staff edit it and send it through the editorial workflow. The figures are inserted as
text, from the stored snapshot (never the live data), and the last paragraph tells the
editors which snapshot they come from.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from cases.reports import sentences
from cases.reports.documents import HEADINGS, city_name
from cases.reports.snapshots import previous
from cms.models import NewsIndexPage, NewsPage


def _paragraph(text: str) -> dict:
    return {"type": "paragraph", "value": f"<p>{escape(text)}</p>"}


def news_body(snapshot) -> list[dict]:
    before = previous(snapshot)
    parts = sentences.report_sections(snapshot.figures, before.figures if before else None, snapshot.as_of)
    body = []
    for heading, key in ((HEADINGS[0], "overall"), (HEADINGS[1], "referrals"), (HEADINGS[2], "supervision")):
        body.append({"type": "heading", "value": heading})
        lines = parts[key] + (parts["changes"] if key == "referrals" else [])
        body += [_paragraph(line) for line in lines]
    link = reverse("workbench:snapshot", args=[snapshot.pk])
    body.append({"type": "paragraph", "value": (
        f'<p>（编辑提示：以上数据来自<a href="{link}">整改进展快照（截至{sentences.cn_date(snapshot.as_of)}）</a>，'
        "发布前请核对并删除本段。）</p>")})
    return body


@transaction.atomic
def draft_progress_news(snapshot, user) -> NewsPage:
    """One draft per snapshot: asking again returns the existing draft."""
    if snapshot.news_page_id:
        existing = NewsPage.objects.filter(pk=snapshot.news_page_id).first()
        if existing is not None:
            return existing
    index = NewsIndexPage.objects.first()
    if index is None:
        raise ValidationError(_("Create the news index page first."))
    title = f"{city_name()}生态环境保护督察整改工作进展通报（截至{sentences.cn_date(snapshot.as_of)}）"
    intro = sentences.referral_sentence("central", snapshot.figures["referrals"]["central"])
    page = NewsPage(title=title, slug=f"progress-report-{snapshot.as_of:%Y%m%d}-{snapshot.pk}", live=False,
                    owner=user, date=snapshot.as_of, intro=intro[:300], body=news_body(snapshot))
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    type(snapshot).objects.filter(pk=snapshot.pk).update(news_page_id=page.pk)
    snapshot.news_page_id = page.pk
    return page
