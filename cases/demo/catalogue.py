"""Categories (docs/product.md §4.1), routing rules, deadline policies (§6) and the work calendar."""

import logging

from cases.calendar_seed import CalendarSeedError, seed_official_year, seed_provisional_year
from cases.models import Category, DeadlinePolicy, DeadlineSetting, Department, RoutingRule, Township

log = logging.getLogger("portal.demo")


def _values(*pairs: tuple[str, str]) -> list[dict]:
    return [{"key": key, "name": name} for key, name in pairs]


TIME_OF_DAY = _values(("morning", "早晨"), ("daytime", "白天"), ("evening", "傍晚"), ("night", "夜间"))

# code → (name, English name, parent code, keywords, attributes)
CATEGORIES: list[tuple[str, str, str, str | None, str, list]] = [
    ("air", "大气污染", "Air pollution", None, "废气 烟尘 臭味", [
        {"code": "pollution_time", "datatype": "singlevaluelist", "description": "污染出现时段",
         "required": False, "values": TIME_OF_DAY},
    ]),
    ("odour", "异味", "Odour", "air", "臭味 异味 刺鼻", [
        {"code": "odour_time", "datatype": "singlevaluelist", "description": "异味出现时段",
         "required": False, "values": TIME_OF_DAY},
        {"code": "odour_kind", "datatype": "singlevaluelist", "description": "气味类型", "required": False,
         "values": _values(("chemical", "化学品味"), ("rotten", "腐臭味"), ("burnt", "焦糊味"))},
    ]),
    ("dust", "扬尘", "Dust", "air", "工地 渣土 扬尘", []),
    ("industrial_emission", "工业废气", "Industrial emissions", "air", "烟囱 黑烟 废气", []),
    ("cooking_fumes", "餐饮油烟", "Cooking fumes", "air", "油烟 烧烤 饭店", []),
    ("burning", "露天焚烧", "Open burning", "air", "秸秆 焚烧 垃圾", []),
    ("water", "水污染", "Water pollution", None, "污水 河道 排污", [
        {"code": "water_colour", "datatype": "singlevaluelist", "description": "水体颜色", "required": False,
         "values": _values(("black", "发黑"), ("yellow", "发黄"), ("foam", "有泡沫"), ("other", "其他"))},
    ]),
    ("sewage", "污水直排", "Sewage discharge", "water", "排口 管道 直排", []),
    ("black_odorous", "黑臭水体", "Black and odorous water", "water", "黑臭 坑塘 河道", []),
    ("industrial_wastewater", "工业废水", "Industrial wastewater", "water", "暗管 偷排 废水", []),
    ("soil", "土壤污染", "Soil pollution", None, "土壤 废渣 重金属", []),
    ("noise", "噪声污染", "Noise", None, "噪声 扰民", [
        {"code": "noise_time", "datatype": "singlevaluelist", "description": "噪声出现时段",
         "required": False, "values": TIME_OF_DAY},
        {"code": "decibels", "datatype": "number", "description": "手机测得的分贝数（如有）",
         "required": False, "values": []},
    ]),
    ("construction_noise", "建筑施工噪声", "Construction noise", "noise", "工地 夜间施工 打桩", []),
    ("industrial_noise", "工业噪声", "Industrial noise", "noise", "风机 设备 厂界", []),
    ("social_noise", "社会生活噪声", "Neighbourhood noise", "noise", "广场舞 KTV 音响", []),
    ("traffic_noise", "交通噪声", "Traffic noise", "noise", "货车 鸣笛 高架", []),
    ("solid_waste", "固体废物", "Solid waste", None, "垃圾 固废 倾倒", []),
    ("illegal_dumping", "非法倾倒", "Illegal dumping", "solid_waste", "建筑垃圾 偷倒", []),
    ("hazardous_waste", "危险废物", "Hazardous waste", "solid_waste", "危废 废油 化工", [
        {"code": "containers", "datatype": "string", "description": "桶装物数量和外观", "required": False,
         "values": []},
    ]),
    ("ecology", "生态破坏", "Ecological damage", None, "湿地 山体 林地", []),
    ("illegal_mining", "非法采矿", "Illegal mining", "ecology", "采石 开矿 山体", []),
    ("illegal_sand", "非法采砂", "Illegal sand dredging", "ecology", "采砂船 河道", []),
    ("deforestation", "毁林", "Deforestation", "ecology", "砍伐 林木 开垦", []),
    ("radiation", "辐射污染", "Radiation", None, "基站 电磁 射线", []),
    ("other", "其他", "Other", None, "", []),
]

# category code → (lead department code, co-department codes)
CATEGORY_RULES = {
    "air": ("env", []), "dust": ("housing", ["urban"]), "cooking_fumes": ("urban", []),
    "burning": ("urban", []), "water": ("env", []), "black_odorous": ("water", ["housing"]),
    "soil": ("env", ["nrp", "agri"]), "noise": ("env", []), "construction_noise": ("housing", []),
    "social_noise": ("urban", []), "traffic_noise": ("transport", ["police"]),
    "solid_waste": ("env", []), "illegal_dumping": ("urban", []), "hazardous_waste": ("env", ["police"]),
    "ecology": ("nrp", []), "illegal_mining": ("nrp", ["police"]), "illegal_sand": ("water", ["nrp"]),
    "radiation": ("env", []),
}
# (category, township) → the township government leads, e.g. dumping in rural areas.
TOWNSHIP_CATEGORY_RULES = [
    ("illegal_dumping", "baisha"), ("illegal_dumping", "liulin"), ("illegal_dumping", "nanhu"),
    ("burning", "baisha"), ("burning", "liyuan"), ("burning", "beishan"),
]
# Township-wide fallbacks (only reached by categories without a rule, i.e. "other").
TOWNSHIP_RULES = ["baisha", "qingshi"]

# Per-category handling time (working days), beyond the docs/product.md §6 defaults.
CATEGORY_HANDLING = {"noise": 10, "cooking_fumes": 10, "ecology": 30, "radiation": 10}
DEFAULT_POLICIES = [
    ("dispatch", 1, "working", None), ("accept", 2, "working", None), ("acknowledge", 15, "calendar", 15),
    ("handling", 15, "working", 60), ("batch_reply", 10, "calendar", None), ("action_item", 10, "working", None),
]


def seed_categories() -> dict[str, Category]:
    cats: dict[str, Category] = {}
    for order, (code, name, name_en, parent, keywords, attributes) in enumerate(CATEGORIES, start=1):
        cats[code], _c = Category.objects.update_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "parent": cats[parent] if parent else None,
            "keywords": keywords, "attributes": attributes, "is_active": True, "sort_order": order * 10,
        })
    return cats


def _rule(category, township, lead: Department, co: list[Department], note: str) -> RoutingRule:
    rule, _c = RoutingRule.objects.update_or_create(
        category=category, township=township, defaults={"department": lead, "is_active": True, "note": note})
    rule.co_departments.set(co)
    return rule


def seed_rules(cats: dict[str, Category], towns: dict[str, Township], depts: dict[str, Department]) -> int:
    count = 0
    for code, (lead, co) in CATEGORY_RULES.items():
        _rule(cats[code], None, depts[lead], [depts[c] for c in co], "按类别分办")
        count += 1
    for code, town in TOWNSHIP_CATEGORY_RULES:
        _rule(cats[code], towns[town], depts[f"gov-{town}"], [], "农村地区由属地政府牵头")
        count += 1
    for town in TOWNSHIP_RULES:
        _rule(None, towns[town], depts[f"gov-{town}"], [], "属地兜底")
        count += 1
    return count


def seed_policies(cats: dict[str, Category]) -> int:
    for clock, amount, unit, limit in DEFAULT_POLICIES:
        DeadlinePolicy.objects.update_or_create(clock=clock, source="", category=None, defaults={
            "amount": amount, "unit": unit, "statutory_limit_days": limit})
    for code, amount in CATEGORY_HANDLING.items():
        DeadlinePolicy.objects.update_or_create(clock="handling", source="", category=cats[code], defaults={
            "amount": amount, "unit": "working", "statutory_limit_days": 60})
    if not DeadlineSetting.objects.exists():
        DeadlineSetting.objects.create()
    return len(DEFAULT_POLICIES) + len(CATEGORY_HANDLING)


def seed_calendar(official=(2025, 2026), provisional=(2027,)) -> list[str]:
    """Official years from the holidays package; later years provisional (statutory days only)."""

    lines = []
    for year in official:
        result = seed_official_year(year)
        lines.append(f"{year}: official, {result.action}")
    for year in provisional:
        try:
            result = seed_provisional_year(year)
            lines.append(f"{year}: provisional, {result.action}")
        except CalendarSeedError as exc:  # already official: an administrator entered it
            lines.append(f"{year}: kept ({exc})")
    return lines
