"""Spot checks (回头看, PRODUCT §4.7): reproducible samples of closed cases and
written-off tasks, re-inspection outcomes, and relapses that reopen the item
(cases through the case workflow, tasks through the programme's ``reopen_task``).

A draw is a pure function of the population (ordered by id), the sample size and the
seed, so anyone can repeat a recorded round and get the same items.
"""

import math
import random
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import refcache, roles
from cases.lifecycle import NotPermitted, WorkflowError
from cases.models import Case, CaseState, OrderLevel, SpotCheck, SpotCheckRound
from cases.programme import reopen_task, written_off_tasks
from cases.supervision.evidence import read_upload
from cases.workflow import record_event

Population = SpotCheckRound.Population
Outcome = SpotCheck.Outcome


def draw(ids: list[int], size: int, seed: int) -> list[int]:
    """The sample: same ids, size and seed → same items (sorted for display)."""
    return sorted(random.Random(seed).sample(sorted(ids), size))


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 2**31)


def population_ids(population: str, *, category=None, township=None, department=None) -> list[int]:
    if population == Population.TASKS:
        qs = written_off_tasks()
        if department is not None:
            qs = qs.filter(lead_department=department)
        return list(qs.order_by("pk").values_list("pk", flat=True))
    qs = Case.objects.filter(state=CaseState.CLOSED)
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(subcategory=category))
    if township is not None:
        qs = qs.filter(township=township)
    if department is not None:
        qs = qs.filter(lead_department=department)
    return list(qs.order_by("pk").values_list("pk", flat=True))


def sample_size_for(population: int, share_percent, sample_size) -> int:
    """Validate the requested share or size against the population (errors name the field)."""
    if (share_percent is None) == (sample_size is None):
        raise ValidationError({"share_percent": _("Give either a share or a number of items.")})
    if share_percent is not None:
        try:
            share = Decimal(str(share_percent))
        except InvalidOperation as exc:
            raise ValidationError({"share_percent": _("The share must be a number.")}) from exc
        if not Decimal(0) < share <= Decimal(100):
            raise ValidationError({"share_percent": _("The share must be more than 0 % and at most 100 %.")})
        size = max(1, math.ceil(share * population / 100))
    else:
        size = int(sample_size)
        if size < 1:
            raise ValidationError({"sample_size": _("Sample at least one item.")})
    if population == 0:
        raise ValidationError({"population": _("There is nothing to sample with these criteria.")})
    if size > population:
        raise ValidationError({"sample_size": _("The sample (%(size)s) is larger than the population (%(n)s).")
                               % {"size": size, "n": population}})
    return size


def draw_round(actor, *, name: str, population: str = Population.CASES, share_percent=None, sample_size=None,
               category=None, township=None, department=None, seed: int | None = None,
               now: datetime | None = None) -> SpotCheckRound:
    """Draw and record one round; the seed is stored so the draw can be repeated."""
    if actor is not None and not roles.has_role(actor, *roles.SUPERVISION_ROLES):
        raise NotPermitted(_("Only supervisors and the rectification office draw spot checks."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the round.")})
    if SpotCheckRound.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A round with this name was already drawn.")})
    if population == Population.TASKS and (category is not None or township is not None):
        raise ValidationError({"population": _("Tasks are sampled by department only.")})
    ids = population_ids(population, category=category, township=township, department=department)
    size = sample_size_for(len(ids), share_percent, sample_size)
    seed = new_seed() if seed is None else int(seed)
    chosen = draw(ids, size, seed)
    now = now or timezone.now()
    key = "task_id" if population == Population.TASKS else "case_id"
    with transaction.atomic():
        rnd = SpotCheckRound.objects.create(
            name=name, population=population, share_percent=share_percent, sample_size=size, category=category,
            township=township, department=department, seed=seed, population_size=len(ids), drawn_by=actor,
            drawn_at=now)
        SpotCheck.objects.bulk_create([SpotCheck(round=rnd, round_name=name, sampled_at=now, sampled_by=actor,
                                                 **{key: pk}) for pk in chosen])
    return rnd


def assign(check: SpotCheck, actor, department) -> SpotCheck:
    if not roles.has_role(actor, *roles.SUPERVISION_ROLES):
        raise NotPermitted(_("Only supervisors and the rectification office assign re-inspections."))
    SpotCheck.objects.filter(pk=check.pk).update(assigned_department=department)
    check.refresh_from_db()
    return check


def may_record(user, check: SpotCheck) -> bool:
    if roles.has_role(user, *roles.SUPERVISION_ROLES, roles.INTAKE):
        return True
    dept = roles.department_id_of(user)
    return dept is not None and dept == check.assigned_department_id


def record_outcome(check: SpotCheck, actor, outcome: str, note: str, *, evidence=None, raise_order: bool = False,
                   now: datetime | None = None) -> SpotCheck:
    """Record the re-inspection. A relapse reopens the case (public event) or the task,
    and with ``raise_order`` issues a supervision order on it in the same step."""
    if not may_record(actor, check):
        raise NotPermitted(_("You may not record this re-inspection."))
    if outcome not in (Outcome.CONFIRMED, Outcome.RELAPSE, Outcome.NOT_VERIFIABLE):
        raise ValidationError({"outcome": _("Choose the outcome of the re-inspection.")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Describe what the re-inspection found.")})
    upload = read_upload(evidence) if evidence else None
    now = now or timezone.now()
    with transaction.atomic():
        if SpotCheck.objects.filter(pk=check.pk, outcome=Outcome.PENDING).update(
                outcome=outcome, note=note, checked_at=now, checked_by=actor) != 1:
            raise WorkflowError(_("This spot check has already been recorded."))
        check.refresh_from_db()
        if upload is not None:
            data, ext, digest = upload
            check.evidence.save(f"spotcheck{ext}", ContentFile(data), save=False)
            SpotCheck.objects.filter(pk=check.pk).update(evidence=check.evidence.name, evidence_sha256=digest)
        transaction.on_commit(refcache.public_data_changed)
        if check.case_id:
            _case_outcome(check, actor, outcome, note, raise_order, now)
        elif outcome == Outcome.RELAPSE:
            _task_relapse(check, actor, note, raise_order, now)
    check.refresh_from_db()
    return check


def _case_outcome(check, actor, outcome, note, raise_order, now) -> None:
    from cases.results import reopen

    record_event(check.case, f"spot_check_{outcome}", actor, now, internal_text=note,
                 data={"spot_check": check.pk, "round": check.round_name})
    if outcome != Outcome.RELAPSE:
        return
    case = reopen(check.case, None, note, kind="relapse", now=now)
    if raise_order and case.lead_department_id:
        from cases.supervision.orders import issue_order

        issue_order(actor, case=case, level=OrderLevel.SUPERVISION, departments=[case.lead_department],
                    required_action=_("Spot check found a relapse: %(note)s") % {"note": note}, now=now)


def _task_relapse(check, actor, note, raise_order, now) -> None:
    task = check.task
    reopen_task(task, None, note, source="spot_check", now=now)  # the system, on the recorded check
    if raise_order:
        from cases.supervision.orders import issue_order

        issue_order(actor, task=task, level=OrderLevel.SUPERVISION, departments=[task.lead_department],
                    required_action=_("Spot check found a relapse: %(note)s") % {"note": note}, now=now)


MONTHLY_SHARE = Decimal(5)


def draw_monthly_round(now: datetime | None = None) -> SpotCheckRound | None:
    """The monthly schedule's draw: 5 % of the closed cases, once per month (by name)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    name = f"{local.year}年{local.month}月回头看（定期抽查）"
    if SpotCheckRound.objects.filter(name=name).exists():
        return None
    try:
        return draw_round(None, name=name, share_percent=MONTHLY_SHARE, now=now)
    except ValidationError:  # nothing closed yet: nothing to draw this month
        return None
