"""Demo content of the public site, added when `manage.py seed_demo` runs (on_demo_seeded).

Idempotent: pages are found by slug (typical cases by their linked case) and only
missing ones are created; nothing an editor changed is overwritten. No number is
typed into a page: counters, the ledger, charts and tables are computed from data.
"""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page

from cases import roles
from cases.demo.city import city_name
from cases.models import Case, CaseSource, CaseState
from cms.demo import ensure_home, seed_site
from cms.models import (
    BatchDisclosureIndexPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    ProgressDashboardPage,
    PublicCaseIndexPage,
    TaskLedgerPage,
    TypicalCaseIndexPage,
    TypicalCasePage,
)
from cms.services import draft_typical_case
from cms.setup import ensure_editorial_workflow

TYPICAL_CASES = 4
SECTIONS = [
    (NewsIndexPage, "news", "整改动态", "市整改办发布的整改工作动态、督察反馈问题整改进展和有关通知。"),
    (TypicalCaseIndexPage, "typical-cases", "典型案例", "群众举报和督察交办问题整改的典型案例，整改前后对比一目了然。"),
    (TaskLedgerPage, "tasks", "整改任务", "<p>督察反馈问题整改任务清单：包案领导、牵头单位、配合单位、整改时限和进度，挂图作战，验收销号。</p>"),
    (ProgressDashboardPage, "progress", "整改进展", "<p>交办信访件和群众举报办理情况统计，数据实时更新。</p>"),
    (BatchDisclosureIndexPage, "batches", "交办信访件办理情况公开", "<p>按照督察组要求，逐批公开交办信访件的调查核实、处理整改和问责情况。</p>"),
    (PublicCaseIndexPage, "cases", "公开案件", "<p>经审核公开的举报案件及办理结果；部分案件的位置仅显示大致范围。开放数据可下载。</p>"),
]
NEWS = [
    ("chemical-plant-sewage", "某化工厂夜间偷排污水整改完成", ["水污染", "信访件办理"], 3,
     "群众举报的化工厂夜间偷排污水问题已整改到位，企业被依法处罚。",
     [("heading", "问题线索"), ("paragraph", "群众通过平台举报，某化工厂利用夜间通过雨水管网偷排生产污水，附近河段水体发黑发臭。"),
      ("paragraph", "市生态环境局接件后连夜组织执法人员现场检查，对排口水样进行采样监测，确认企业存在偷排污水行为。"),
      ("heading", "整改情况"), ("paragraph", "企业已封堵雨污混接管道，新建事故应急池，安装在线监控设施并与生态环境部门联网。"),
      ("quote", "对偷排污水等违法行为零容忍，发现一起，查处一起。|市生态环境局")]),
    ("cooking-fumes", "城区餐饮油烟专项治理取得阶段成效", ["大气污染", "餐饮油烟"], 10,
     "城区主要街道餐饮单位全部安装油烟净化设施，油烟扰民投诉明显下降。",
     [("paragraph", "针对群众反映集中的餐饮油烟扰民问题，市城市管理局会同市场监管部门开展专项治理。"),
      ("paragraph", "截至目前，城区主要街道餐饮单位已全部安装油烟净化设施，并建立清洗维护台账。"),
      ("heading", "下一步"), ("paragraph", "将对油烟净化设施运行情况开展常态化抽查，对拒不整改的依法处罚。")]),
    ("look-back-preparation", "全市部署迎接中央生态环境保护督察“回头看”工作", ["督察整改"], 18,
     "市委、市政府召开专题会议，部署督察反馈问题整改和“回头看”迎检工作。",
     [("paragraph", "会议要求，各包案领导要靠前指挥，各牵头单位要倒排工期、挂图作战，确保整改任务按时销号。"),
      ("paragraph", "对已办结的交办信访件开展“回头看”自查，防止问题反弹。")]),
    ("river-outfalls", "小清河流域入河排污口排查整治全面启动", ["水污染", "整改任务"], 26,
     "对流域内入河排污口逐一排查、登记、监测、溯源，分类整治。",
     [("paragraph", "市生态环境局牵头，市水利局配合，对小清河干支流入河排污口开展全面排查。"),
      ("paragraph", "对排查发现的偷排污水、雨污混接等问题建立清单，明确整改责任和时限。")]),
    ("construction-dust", "建筑工地扬尘管控“六个百分之百”落实情况通报", ["大气污染"], 35,
     "市住建局通报全市在建工地扬尘管控检查情况。",
     [("paragraph", "检查覆盖全市在建工地，对围挡、覆盖、冲洗、湿法作业等措施逐项核查。"),
      ("paragraph", "对检查发现问题的工地下达整改通知书，并纳入信用管理。")]),
    ("reporting-channels", "畅通举报渠道 欢迎群众监督生态环境问题", ["公众参与"], 45,
     "群众可通过本平台、12369环保举报热线、12345市民热线等渠道举报生态环境问题。",
     [("paragraph", "举报人身份依法保密。提交举报后可凭案件编号和查询码随时查询办理进度。"),
      ("paragraph", "平台公开整改任务进展、交办信访件办理情况和典型案例，接受社会监督。")]),
]


def _raw_body(blocks) -> list[dict]:
    body = []
    for kind, text in blocks:
        if kind == "paragraph":
            body.append({"type": "paragraph", "value": f"<p>{escape(text)}</p>"})
        elif kind == "quote":
            quote, _sep, source = text.partition("|")
            body.append({"type": "quote", "value": {"text": quote, "source": source}})
        else:
            body.append({"type": kind, "value": text})
    return body


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _child(parent: Page, slug: str) -> Page | None:
    page = parent.get_children().filter(slug=slug).first()
    return page.specific if page else None


def ensure_sections(home: HomePage) -> dict:
    pages = {}
    for model, slug, title, intro in SECTIONS:
        page = _child(home, slug)
        if page is None:
            page = model(title=title, slug=slug, intro=intro, show_in_menus=True)
            home.add_child(instance=page)
            _publish(page)
        pages[model] = page
    return pages


def ensure_news(index: NewsIndexPage, today: date) -> int:
    created = 0
    for slug, title, tags, days_ago, intro, blocks in NEWS:
        if _child(index, slug) is not None:
            continue
        page = NewsPage(title=title, slug=slug, date=today - timedelta(days=days_ago), intro=intro,
                        search_description=intro, body=_raw_body(blocks))
        page.tags.add(*tags)
        index.add_child(instance=page)
        _publish(page)
        created += 1
    return created


def _story_cases() -> list[Case]:
    """Closed public referral cases, one per category, in a stable order."""
    chosen, seen = [], set()
    cases = (Case.objects.public().filter(state=CaseState.CLOSED, source=CaseSource.CENTRAL)
             .exclude(public_summary="").select_related("category", "township").order_by("original_code"))
    for case in cases:
        if case.category_id not in seen:
            seen.add(case.category_id)
            chosen.append(case)
        if len(chosen) == TYPICAL_CASES:
            break
    return chosen


def _intake_user():
    return get_user_model().objects.filter(groups__name=roles.INTAKE, is_active=True).order_by("pk").first()


def ensure_typical_cases() -> int:
    user = _intake_user()
    if user is None:
        return 0
    created = 0
    for case in _story_cases():
        if TypicalCasePage.objects.filter(linked_case=case).exists():
            continue
        page = draft_typical_case(case, user)
        place = case.township.name if case.township_id else ""
        page.title = f"{place}{case.category.name}问题整改到位"
        page.search_description = page.intro[:160]
        _publish(page)
        created += 1
    return created


@transaction.atomic
def seed_cms_demo(today: date | None = None) -> dict:
    """Section pages, news, typical cases and the editorial workflow (idempotent)."""
    home = HomePage.objects.first()
    if home is None:
        home = ensure_home(city_name())
    sections = ensure_sections(home)
    news = ensure_news(sections[NewsIndexPage], today or timezone.localdate())
    stories = ensure_typical_cases()
    ensure_editorial_workflow(home)
    return {"home": home, "news_created": news, "typical_created": stories}


def on_demo_seeded(sender, *, now, groups: dict, city: str, **kwargs) -> list[str]:
    """Receiver of cases.demo.hooks.demo_seeded: the public site of the demo city."""
    site = seed_site(city, groups[roles.EDITOR])
    public = seed_cms_demo(today=timezone.localdate(now))
    return [f"site: home page id {site['home'].pk}, {site['pages_created']} pages created",
            f"public site: {public['news_created']} news, {public['typical_created']} typical cases created"]
