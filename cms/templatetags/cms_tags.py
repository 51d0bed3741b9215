"""Template helpers of the public site."""

from django import template
from django.utils import translation
from django.utils.html import format_html
from wagtail.models import Page, Site

from cms import fragments
from cms.caching import cached

register = template.Library()


@register.inclusion_tag("cms/includes/section_nav.html", takes_context=True)
def section_nav(context):
    """Links to the site's sections (pages "shown in menus" under the home page)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    query = context.get("query", "")
    service = _service_of(request)
    if site is None:
        return {"sections": [], "query": query, "current_service": service}
    root = site.root_page
    sections = cached("sections", lambda: [(p.title, p.url) for p in Page.objects.live().public()
                                           .in_menu().child_of(root)], root.pk, timeout=300, case_data=False)
    path = request.path
    return {"sections": [{"title": t, "url": u, "current": bool(u) and path.startswith(u) and u != root.url}
                         for t, u in sections], "home_url": root.url, "query": query, "current_service": service}


def _service_of(request) -> str:
    """"report" or "track" when the page is one of the citizen services (marked in the nav)."""
    name = getattr(getattr(request, "resolver_match", None), "url_name", "") or ""
    return next((s for s in ("report", "track") if name.startswith(s)), "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag(takes_context=True)
def other_language_url(context) -> str:
    """The same page in the other language: "/x/" ⇄ "/en/x/". Always a path on this
    site: leading slashes are collapsed, so "/en//evil.example/" cannot become the
    protocol-relative link "//evil.example/"."""
    request = context.get("request")
    if request is None:
        return "/"
    path = request.get_full_path()
    if translation.get_language() == "en":
        return "/" + (path[3:] if path.startswith("/en/") else path).lstrip("/")
    return "/en/" + path.lstrip("/")


@register.simple_tag
def figure(value, name: str):
    """A public figure, marked up so that it can be read back: `<data value>` holds
    the number and `data-figure` names it (the cross-page figure test reads every
    one and compares it with an independent count)."""
    if value is None:
        return format_html('<data class="figure" value="" data-figure="{}">—</data>', name)
    return format_html('<data class="figure" value="{}" data-figure="{}">{}</data>', value, name, value)


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, parts):
        self.nodelist, self.name, self.parts = nodelist, name, parts

    def render(self, context):
        def produce() -> str:
            deferred = context.get(fragments.DEFERRED)
            with context.push(**(deferred() if callable(deferred) else {})):
                return self.nodelist.render(context)

        return fragments.render(context.get("request"), self.name.resolve(context), produce,
                                *(p.resolve(context) for p in self.parts))


@register.tag
def fragment(parser, token):
    """``{% fragment "name" [value ...] %}…{% endfragment %}``: the enclosed markup,
    cached per data version (cms/fragments.py); on a miss the view's deferred context
    is computed and added for the enclosed markup only."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("fragment needs a name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]])


@register.simple_tag
def content_lang() -> str:
    """` lang="zh-Hans"` on published content (titles, bodies, menus) when the reader is on
    the English interface: the content is Chinese only (docs/public-site.md, "English")."""
    language = translation.get_language() or ""
    return "" if language.startswith("zh") else format_html(' lang="{}"', "zh-Hans")
