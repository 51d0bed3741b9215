from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.models import Category, Department, SpotCheckRound, Township
from cases.supervision.spotchecks import draw_round


class Command(BaseCommand):
    help = ("Draw a look-back spot-check round (回头看) and print its items and seed. "
            "The same --seed and criteria draw the same items.")

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--population", choices=SpotCheckRound.Population.values, default="cases")
        size = parser.add_mutually_exclusive_group(required=True)
        size.add_argument("--share", type=float, help="share of the population, in percent")
        size.add_argument("--size", type=int, help="number of items")
        parser.add_argument("--seed", type=int)
        parser.add_argument("--category", help="category code")
        parser.add_argument("--township", help="township code")
        parser.add_argument("--department", help="department code")

    def handle(self, *args, **o):
        try:
            rnd = draw_round(
                None, name=o["name"], population=o["population"], share_percent=o["share"], sample_size=o["size"],
                seed=o["seed"], category=_by_code(Category, o["category"]), township=_by_code(Township, o["township"]),
                department=_by_code(Department, o["department"]))
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"round {rnd.name}: {rnd.sample_size} of {rnd.population_size}, seed {rnd.seed}")
        for item in rnd.items.select_related("case", "task"):
            self.stdout.write(f"  {item.case.reference if item.case_id else f'task {item.task.number}'}")


def _by_code(model, code):
    if not code:
        return None
    found = model.objects.filter(code=code).first()
    if found is None:
        raise CommandError(f"unknown {model._meta.model_name} code {code!r}")
    return found
