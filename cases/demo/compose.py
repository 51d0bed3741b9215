"""Filling the Chinese templates: places, polluters, report text and result text."""

import random
import re
from dataclasses import dataclass

from . import texts
from .geography import RURAL, TOWNSHIPS

TOWN_NAMES = {code: name for code, name, _g, _r in TOWNSHIPS}


@dataclass(frozen=True)
class ReportText:
    title: str
    description: str
    polluter: str
    place: str  # township name + place, used as the address


def person_name(rng: random.Random) -> str:
    return rng.choice(texts.SURNAMES) + rng.choice(texts.GIVEN)


def place_in(rng: random.Random, town: str | None) -> str:
    """A place inside a township ("城关街道人民路88号"), or an unnamed place outside the city."""
    if town is None:
        return f"临河市{rng.choice(texts.VILLAGES)}"
    if town in RURAL:
        spot = rng.choice([f"{rng.choice(texts.VILLAGES)}", f"{rng.choice(texts.VILLAGES)}北侧",
                           f"{rng.choice(texts.VILLAGES)}与{rng.choice(texts.VILLAGES)}交界处"])
    else:
        road, other = rng.sample(texts.ROADS, 2)
        spot = rng.choice([f"{road}{rng.randint(1, 300)}号", rng.choice(texts.COMMUNITIES), f"{road}与{other}交叉口"])
    return TOWN_NAMES[town] + spot


def _fill(template: str, values: dict) -> str:
    return template.format(**values)


def report_text(rng: random.Random, template_code: str, town: str | None) -> ReportText:
    """Title, description and polluter for a category (sub-type code or root code)."""
    title_t, desc_t = rng.choice(texts.TEMPLATES[template_code])
    place = place_in(rng, town)
    values = {
        "place": place,
        "company": f"{rng.choice(texts.COMPANY_PREFIXES)}{rng.choice(texts.FACTORY_KINDS)}",
        "restaurant": f"{rng.choice(texts.SURNAMES)}记{rng.choice(texts.RESTAURANTS)}",
        "shop": rng.choice(texts.SHOPS),
        "site": rng.choice(texts.SITE_NAMES),
        "river": rng.choice(texts.RIVERS),
        "road": rng.choice(texts.ROADS),
        "time": rng.choice(texts.TIMES),
    }
    used = set(re.findall(r"{(\w+)}", title_t + desc_t))
    polluter = next((values[k] + ("项目工地" if k == "site" else "")
                     for k in ("company", "restaurant", "site") if k in used), "")
    return ReportText(title=_fill(title_t, values)[:120], description=_fill(desc_t, values),
                      polluter=polluter, place=place)


@dataclass(frozen=True)
class ResultText:
    findings: str
    reply: str
    public_summary: str


def _action(kind: str, root: str, index: int) -> tuple[str, str]:
    actions = texts.ACTIONS.get(kind) or texts.ACTIONS.get(root) or texts.ACTIONS["other"]
    return actions[index % len(actions)]


def result_text(kind: str, root: str, verdict: str, action_index: int, title: str, department: str,
                township: str) -> ResultText:
    """Internal findings, the reply to the reporter and the public summary of a handled case.
    `kind` is the sub-type code (or the root's when there is none)."""
    detail, action = _action(kind, root, action_index)
    if verdict == "false":
        action = "将继续加强日常巡查，发现问题依法查处"
    findings = texts.FINDINGS[verdict].format(detail=detail)
    reply = (f"您好！您反映的“{title}”问题，{department}已会同属地进行现场核查，{texts.VERDICT[verdict]}。"
             f"{action}。感谢您对生态环境保护工作的关心和支持！")
    where = township or "本市"
    summary = f"{where}“{title}”问题：经核查，{texts.VERDICT[verdict]}。{action}。"
    return ResultText(findings=findings, reply=reply, public_summary=summary)


def referral_summary(kind: str, root: str, verdict: str, action_index: int, title: str, department: str,
                     township: str) -> ResultText:
    """Referral cases: the public text follows the disclosure table's two columns."""
    base = result_text(kind, root, verdict, action_index, title, department, township)
    detail, action = _action(kind, root, action_index)
    if verdict == "false":
        detail, action = "现场未发现反映的问题。", "将继续加强日常巡查"
    summary = f"调查核实情况：{texts.VERDICT[verdict]}。{detail}处理和整改情况：{action}。"
    return ResultText(findings=base.findings, reply=base.reply, public_summary=summary)
