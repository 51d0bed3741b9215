"""Open311 API clients from the command line: create one and print its key once,
rotate its key, or disable / enable it.

    python manage.py open311_client "12345 hotline"            # create, print the key
    python manage.py open311_client "12345 hotline" --rotate   # new key, old one stops working
    python manage.py open311_client "12345 hotline" --disable
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.api import keys
from cases.models import ApiClient

RATE = re.compile(r"^\d+/\d*[smhd]$")


class Command(BaseCommand):
    help = "Create an Open311 API client and print its key once; or rotate, disable or enable it."

    def add_arguments(self, parser):
        parser.add_argument("name")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--rotate", action="store_true", help="issue a new key for an existing client")
        action.add_argument("--disable", action="store_true", help="refuse the client's key from now on")
        action.add_argument("--enable", action="store_true", help="accept the client's key again")
        parser.add_argument("--rate-limit", help='requests per period, e.g. "60/m" (default 60/m)')
        parser.add_argument("--contact", default="", help="who to call about this client")

    def handle(self, *args, name, rotate, disable, enable, rate_limit, contact, **options):
        if rate_limit and not RATE.match(rate_limit):
            raise CommandError(_('The rate limit must look like "60/m" (count/period: s, m, h or d).'))
        client = ApiClient.objects.filter(name=name).first()
        if not (rotate or disable or enable):
            if client is not None:
                raise CommandError(_("A client named %(name)s already exists; use --rotate for a new key.")
                                   % {"name": name})
            client, key = keys.create_client(name, contact=contact, rate_limit=rate_limit)
            return self._print_key(client, key)
        if client is None:
            raise CommandError(_("There is no client named %(name)s.") % {"name": name})
        if rate_limit:
            ApiClient.objects.filter(pk=client.pk).update(rate_limit=rate_limit)
        if rotate:
            return self._print_key(client, keys.rotate_key(client))
        keys.set_active(client, enable)
        self.stdout.write(_("%(name)s is now %(state)s.") % {
            "name": name, "state": _("enabled") if enable else _("disabled")})

    def _print_key(self, client: ApiClient, key: str) -> None:
        self.stderr.write(_("API key for %(name)s (shown once; store it safely):") % {"name": client.name})
        self.stdout.write(key)
