"""Plans for ~300 citizen reports: what each says, where, and how far it got.

Planning is pure (a seeded random generator, no database), so the same plans come
out on every run; `cases.demo.runner` then drives each plan through the services.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import texts
from .catalogue import CATEGORIES
from .compose import person_name, report_text
from .geography import RURAL, TOWNSHIPS

CITIZEN_CASES = 300
# Final state → (how many, (min, max) age in days, {variant: weight})
TARGETS = {
    "closed": (150, (10, 178), {"plain": 70, "return": 6, "transfer": 6, "reopen": 8, "sendback": 6,
                                "extension": 4}),
    "in_progress": (40, (2, 30), {"plain": 26, "reopened": 6, "transfer": 4, "extension": 4}),
    "pending_review": (20, (6, 60), {"plain": 15, "sendback": 5}),
    "assigned": (20, (0.1, 5), {"plain": 14, "return": 3, "transfer": 3}),
    "submitted": (18, (0.05, 4), {"desk": 12, "return": 6}),
    "stage_closed": (12, (40, 175), {"plain": 1}),
    "rejected": (20, (0.5, 178), {"outside": 6, "other": 6, "vague": 4, "consumer": 4}),
    "merged": (20, (1, 178), {"plain": 1}),
}
# Step → (min, max) gap in days; which steps each variant takes (for fitting into its age).
GAPS = {"dispatch": (0.02, 0.8), "accept": (0.05, 1.8), "co_accept": (0.05, 1.0), "co_part": (1, 6),
        "handle": (2, 14), "review": (0.2, 3), "feedback": (0.5, 5), "reopen": (0.3, 2), "handle2": (2, 9),
        "transfer": (0.5, 3), "return": (0.1, 1.5), "sendback": (0.5, 2), "resubmit": (1, 5),
        "extension": (2, 6), "approve": (0.1, 1), "publish": (0.1, 2), "merge": (0.05, 1.5)}
PATH = ["dispatch", "accept", "co_accept", "co_part", "handle", "review"]
EXTRA_STEPS = {"return": ["return", "dispatch"], "transfer": ["transfer", "accept"],
               "reopen": ["feedback", "reopen", "handle2", "review"], "reopened": ["feedback", "reopen"],
               "sendback": ["sendback", "resubmit"], "extension": ["extension", "approve"]}
ROOT_WEIGHTS = {"air": 28, "noise": 20, "water": 14, "solid_waste": 12, "ecology": 6, "soil": 4,
                "radiation": 3, "other": 8}
RURAL_SUBTYPES = {"burning", "illegal_mining", "illegal_sand", "deforestation", "illegal_dumping"}
URBAN_SUBTYPES = {"cooking_fumes", "social_noise", "construction_noise", "traffic_noise", "dust"}
DESK_TOWNS = [code for code, *_r in TOWNSHIPS if code not in ("baisha", "qingshi")]  # no township rule
TOWN_WEIGHTS = {code: (1.2 if code in RURAL else 3.0) for code, *_r in TOWNSHIPS}
OTHER_DEPTS = ["market", "health", "urban", "env", "housing", "agri"]
SUBTYPES = {root: [c for c, _n, _e, parent, _k, _a in CATEGORIES if parent == root]
            for root, *_rest in CATEGORIES}
ATTRIBUTES = {code: attrs for code, _n, _e, _p, _k, attrs in CATEGORIES}


@dataclass
class CitizenPlan:
    key: str
    received: datetime
    target: str
    variant: str
    root: str
    subtype: str | None
    town: str | None  # None: pin outside the city
    text: object
    source: str
    source_detail: str
    location_source: str
    reporter: dict
    extra: dict
    observed_days: float
    manual_dept: str
    alt_dept: str
    verdict: str
    action_index: int
    accountability: str
    public: bool
    sensitive: bool
    feedback: tuple | None
    gaps: dict = field(default_factory=dict)
    merge_into: str | None = None
    task_hint: str = ""


def _weighted(rng: random.Random, weights: dict):
    keys = sorted(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _category(rng: random.Random, town: str | None, desk: bool) -> tuple[str, str | None]:
    if desk:
        return "other", None
    root = _weighted(rng, ROOT_WEIGHTS)
    options = list(SUBTYPES[root]) + ([None] if root in texts.TEMPLATES else [])
    if not options:
        return root, None
    rural = town in RURAL
    weights = {o or "": (0.3 if (o in URBAN_SUBTYPES and rural) or (o in RURAL_SUBTYPES and not rural) else 1.0)
               for o in options}
    choice = _weighted(rng, weights)
    return root, choice or None


def _where(rng: random.Random, target: str, variant: str) -> tuple[str | None, bool]:
    """(township or None for outside, whether the case must go to the dispatch desk)."""
    if variant == "outside" or (variant == "desk" and rng.random() < 0.35):
        return None, False
    if variant in ("desk", "other", "vague", "consumer"):
        return rng.choice(DESK_TOWNS), True
    if rng.random() < 0.03:  # a pin just outside the city: the dispatch desk decides
        return None, False
    return _weighted(rng, TOWN_WEIGHTS), False


def _reporter(rng: random.Random, index: int, source: str) -> dict:
    anonymous = rng.random() < 0.3
    phone = str(13800138000 + index) if rng.random() < (0.2 if anonymous else 0.5) else ""
    email = f"citizen{index:03d}@example.com" if not anonymous and rng.random() < 0.25 else ""
    return {"is_anonymous": anonymous, "name": "" if anonymous else person_name(rng), "phone": phone,
            "email": email, "ip_address": f"198.51.100.{index % 250 + 1}" if source == "web" else ""}


def _source(rng: random.Random) -> tuple[str, str, str]:
    roll = rng.random()
    if roll < 0.75:
        return "web", "", rng.choice(["pin", "pin", "device"])
    if roll < 0.9:
        return "phone", "12369环保举报热线", "geocoder"
    return "api", rng.choice(["12345市民热线", "微信小程序"]), "pin"


def _gaps(rng: random.Random, variant: str, age: float) -> dict:
    steps = PATH + EXTRA_STEPS.get(variant, []) + ["feedback", "publish", "merge"]
    gaps = {step: rng.uniform(*GAPS[step]) for step in steps}
    total = sum(gaps[s] for s in PATH + EXTRA_STEPS.get(variant, []))
    scale = min(1.0, 0.85 * age / total)
    return {step: gap * scale for step, gap in gaps.items()}


def _plan(rng: random.Random, now: datetime, index: int, target: str, variant: str) -> CitizenPlan:
    age = rng.uniform(*TARGETS[target][1])
    town, desk = _where(rng, target, variant)
    root, subtype = _category(rng, town, desk)
    source, detail, location = _source(rng)
    text = report_text(rng, subtype or root, town)
    if variant == "vague":
        text = type(text)(title="污染问题", description="附近有污染，味道很大，请管一管。", polluter="",
                          place=text.place)
    attrs = ATTRIBUTES.get(subtype or "", []) + ATTRIBUTES.get(root, [])
    extra = {a["code"]: rng.choice(a["values"])["key"] for a in attrs if a["values"] and rng.random() < 0.6}
    verdict = _weighted(rng, {"true": 65, "partly": 25, "false": 10})
    rating = _weighted(rng, {3: 70, 2: 20, 1: 10})
    return CitizenPlan(
        key="", received=now - timedelta(days=age), target=target, variant=variant, root=root,
        subtype=subtype, town=town, text=text, source=source, source_detail=detail, location_source=location,
        reporter=_reporter(rng, index, source), extra=extra, observed_days=rng.uniform(0.05, 3),
        manual_dept=rng.choice(OTHER_DEPTS), alt_dept=rng.choice(OTHER_DEPTS), verdict=verdict,
        action_index=rng.randrange(12),
        accountability=rng.choice(texts.ACCOUNTABILITY) if verdict != "false" and rng.random() < 0.4 else "",
        public=target in ("closed", "stage_closed") and rng.random() < 0.35, sensitive=rng.random() < 0.15,
        feedback=(rating, rng.choice(texts.FEEDBACK_COMMENTS[rating])) if rng.random() < 0.45 else None,
        gaps=_gaps(rng, variant, age),
    )


def _duplicate(rng: random.Random, now: datetime, index: int, original: CitizenPlan) -> CitizenPlan:
    """A second report of the same problem, filed a little later nearby."""
    plan = _plan(rng, now, index, "merged", "plain")
    latest = now - timedelta(hours=6)
    plan.received = min(original.received + timedelta(days=rng.uniform(0.2, 8)), latest)
    plan.root, plan.subtype, plan.town = original.root, original.subtype, original.town
    plan.text = report_text(rng, original.subtype or original.root, original.town)
    plan.merge_into = original.key
    return plan


def shares(total: int) -> dict[str, int]:
    """Each state's number of cases for `total` reports: proportional, at least one
    each, summing to `total` exactly (largest remainders get the spare cases)."""
    raw = {target: spec[0] * total / CITIZEN_CASES for target, spec in TARGETS.items()}
    counts = {target: max(1, int(value)) for target, value in raw.items()}
    by_remainder = sorted(raw, key=lambda t: (raw[t] - int(raw[t]), TARGETS[t][0]), reverse=True)
    for target in by_remainder[:max(0, total - sum(counts.values()))]:
        counts[target] += 1
    counts["closed"] -= sum(counts.values()) - total  # only the minimum of one can overshoot
    return counts


def citizen_plans(rng: random.Random, now: datetime, total: int = CITIZEN_CASES) -> list[CitizenPlan]:
    """All citizen plans, in the order they were received, keyed demo-citizen-NNN.

    `total` scales every state's share (each keeps at least one case).
    """
    plans, index, counts = [], 0, shares(total)
    for target, (_count, _ages, variants) in TARGETS.items():
        if target == "merged":
            continue
        for _ in range(counts[target]):
            index += 1
            plans.append(_plan(rng, now, index, target, _weighted(rng, variants)))
    plans.sort(key=lambda p: p.received)
    for n, plan in enumerate(plans, start=1):
        plan.key = f"demo-citizen-{n:03d}"
    originals = [p for p in plans if p.target != "rejected" and p.town is not None
                 and p.received < now - timedelta(days=2)]
    dups = []
    for _ in range(counts["merged"]):
        index += 1
        dups.append(_duplicate(rng, now, index, rng.choice(originals)))
    for n, plan in enumerate(dups, start=len(plans) + 1):
        plan.key = f"demo-citizen-{n:03d}"
    return sorted(plans + dups, key=lambda p: p.received)
