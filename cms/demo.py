"""Demo site pages (used by `manage.py seed_demo`): the home page as the default
site's root, replacing Wagtail's stock welcome page, and the standard pages.

Idempotent: existing pages are left as editors left them; only missing ones are
created. No number from PRODUCT §1 is typed into a page: the home page shows the
live counters computed from data.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from cms.models import HomePage, StandardPage

HOME_TITLE = "生态环境督察整改"
# Editors write and submit pages; the chief editors (group cms.setup.MODERATOR) approve
# and publish them through the editorial workflow.
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
CHIEF_EDITORS = ("demo_chief_editor",)
EDITOR_MEDIA_PERMISSIONS = [("wagtailimages", c) for c in ("add_image", "change_image", "choose_image")] + [
    ("wagtaildocs", c) for c in ("add_document", "change_document", "choose_document")]


def _home_intro(city: str) -> str:
    return (f"<p>{city}正在全面落实中央生态环境保护督察反馈意见整改工作，并迎接督察“回头看”。"
            "本平台公开整改任务进展、交办信访件办理情况和典型案例，受理群众生态环境问题举报，"
            "接受社会监督。</p>")


def _how_to_report(city: str) -> str:
    return (
        "<h2>可以举报什么</h2><p>大气、水、土壤、噪声、固体废物、生态破坏、辐射等生态环境问题，"
        "例如企业偷排废水、工地扬尘、餐饮油烟、夜间施工噪声、非法倾倒、非法采砂等。</p>"
        "<h2>举报渠道</h2><ul><li>本网站“我要举报”：选择问题类别，描述情况，在地图上标出位置，可上传最多6张照片；</li>"
        "<li>12369环保举报热线、12345市民热线；</li><li>微信小程序。</li></ul>"
        "<h2>举报之后</h2><p>提交成功后您会得到案件编号和查询码，凭二者可随时查询办理进度并评价办理结果。"
        f"{city}整改办在1个工作日内分办，承办单位在2个工作日内签收，15日内告知您是否受理，"
        "一般问题在15个工作日内办结，遇节假日顺延。</p>"
        "<h2>匿名举报</h2><p>您可以选择匿名举报。留下联系方式有助于我们核实情况并向您反馈结果。</p>"
    )


def _privacy(city: str) -> str:
    days = getattr(settings, "PORTAL_CONTACT_RETENTION_DAYS", 365)
    return (
        "<h2>我们收集哪些信息</h2><p>举报的问题类别、描述、发生时间、位置和照片；您自愿留下的姓名、手机号码和电子邮箱；"
        "提交时的网络地址（用于防止滥用）。照片中的拍摄地点等元数据会在保存前全部清除。</p>"
        "<h2>谁能看到</h2><p>举报人身份信息只有整改办受理人员可以查看，每一次查看都会留下记录；"
        "承办部门、督查人员和公众都看不到举报人身份。联系方式加密保存。"
        "公开的案件只展示经审核的办理结果摘要。</p>"
        f"<h2>保存多久</h2><p>案件办结后{days}天，系统自动删除举报人的联系方式；案件内容按档案管理规定保存。</p>"
        "<h2>法律依据</h2><p>《中华人民共和国环境保护法》第五十七条规定，接受举报的机关应当对举报人的相关信息予以保密，"
        "保护举报人的合法权益。</p>"
        f"<h2>联系我们</h2><p>对个人信息处理有疑问，可联系{city}整改办。</p>"
    )


def _about(city: str) -> str:
    return (
        f"<p>{city}生态环境督察整改平台由{city}生态环境保护督察整改工作领导小组办公室（市整改办）建设和管理，"
        "用于统筹推进中央和省生态环境保护督察反馈问题及交办信访件的整改。</p>"
        "<p>整改工作实行清单化管理：每项整改任务明确包案领导、牵头单位、配合单位、整改目标、措施和时限，"
        "倒排工期、挂图作战，经验收后方可销号。涉及多个部门的问题通过联席会议协调办理。"
        "整改进展、交办信访件办理情况和典型案例在本平台公开，接受社会监督。</p>"
    )


STANDARD_PAGES = [("how-to-report", "如何举报", _how_to_report), ("privacy", "隐私声明", _privacy),
                  ("about", "关于我们", _about)]


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _is_stock_welcome(page: Page) -> bool:
    return page.depth == 2 and page.specific_class is Page


@transaction.atomic
def ensure_home(city: str) -> HomePage:
    """The home page as the root of the default site; the stock page is removed."""
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        taken = root.get_children().filter(slug="home").exists()
        home = HomePage(title=HOME_TITLE, slug="home-portal" if taken else "home", intro=_home_intro(city),
                        seo_title=f"{city}生态环境督察整改平台")
        root.add_child(instance=home)
        _publish(home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                            site_name=f"{city}生态环境督察整改平台")
    elif site.root_page_id != home.pk:
        site.root_page = home  # before the old root goes: the site's FK cascades
        site.site_name = site.site_name or f"{city}生态环境督察整改平台"
        site.save()
    for page in root.get_children().exclude(pk=home.pk):
        if _is_stock_welcome(page) and not Site.objects.filter(root_page=page).exists():
            for child in page.get_children():
                child.move(home, pos="last-child")
            page.delete()
    home = HomePage.objects.get(pk=home.pk)
    if home.slug != "home" and not root.get_children().filter(slug="home").exists():
        home.slug = "home"
        _publish(home)
    # publish() saves a copy made from the revision: reload for the new url_path.
    return HomePage.objects.get(pk=home.pk)


def ensure_standard_pages(home: HomePage, city: str) -> int:
    created = 0
    for slug, title, body in STANDARD_PAGES:
        if home.get_children().filter(slug=slug).exists():
            continue
        page = StandardPage(title=title, slug=slug, body=body(city), updated=timezone.localdate())
        home.add_child(instance=page)
        _publish(page)
        created += 1
    return created


def grant_editor_permissions(editors: Group, home: Page) -> None:
    """Editors write pages under the home page and manage images and documents; publishing
    (granted by earlier versions of the seed) is the chief editors' step of the workflow."""
    for codename in EDITOR_PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=editors, page=home, permission=permission)
    GroupPagePermission.objects.filter(group=editors, permission__codename="publish_page").delete()
    collection = Collection.get_first_root_node()
    for app_label, codename in EDITOR_MEDIA_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        GroupCollectionPermission.objects.get_or_create(group=editors, collection=collection,
                                                        permission=permission)


def ensure_chief_editors(home: Page) -> None:
    """The demo's chief editors are moderators of the editorial workflow."""
    from django.contrib.auth import get_user_model

    from cms.setup import ensure_editorial_workflow, moderator_group

    ensure_editorial_workflow(home)
    for user in get_user_model().objects.filter(username__in=CHIEF_EDITORS):
        user.groups.add(moderator_group())


def seed_site(city: str, editors: Group) -> dict:
    home = ensure_home(city)
    created = ensure_standard_pages(home, city)
    grant_editor_permissions(editors, home)
    ensure_chief_editors(home)
    return {"home": home, "pages_created": created}
