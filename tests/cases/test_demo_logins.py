from io import StringIO

import pytest
from django.core.management import call_command

from cases import roles
from cases.management.commands.demo_logins import display_width, format_table
from tests import factories as f

pytestmark = pytest.mark.django_db


def username(line: str) -> str:
    return next(token for token in line.split() if token.startswith("demo_"))


def run() -> str:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    return out.getvalue()


def test_without_demo_users_it_says_how_to_create_them():
    f.user("someone_else", roles.ADMINISTRATOR)
    output = run()
    assert "seed_demo" in output
    assert "someone_else" not in output


def test_lists_demo_users_with_role_department_and_the_configured_password(settings):
    settings.PORTAL_DEMO_PASSWORD = "Another-Pass-1"
    env = f.department("市生态环境局")
    f.user("demo_handler_env", roles.HANDLER, env)
    f.user("demo_intake", roles.INTAKE)
    f.user("demo_admin", is_superuser=True)
    f.user("not_demo", roles.EDITOR)
    lines = [line for line in run().splitlines() if "demo_" in line]
    rows = {username(line): line for line in lines}
    assert set(rows) == {"demo_handler_env", "demo_intake", "demo_admin"}
    assert "市生态环境局" in rows["demo_handler_env"]
    assert str(roles.ROLE_LABELS[roles.HANDLER]) in rows["demo_handler_env"]
    assert str(roles.ROLE_LABELS[roles.ADMINISTRATOR]) in rows["demo_admin"]  # superuser
    assert all(line.rstrip().endswith("Another-Pass-1") for line in rows.values())
    order = [username(line) for line in lines]
    assert order == ["demo_intake", "demo_handler_env", "demo_admin"]  # docs/product.md §3 role order


def test_default_password_setting():
    from django.conf import settings

    assert settings.PORTAL_DEMO_PASSWORD == "Demo-2026-portal"


def test_columns_line_up_with_chinese_text():
    lines = format_table(("角色", "user"), [("受理员", "a"), ("x", "bb")])
    starts = {display_width(line[: line.index(word)]) for line, word in zip(lines[2:], ("a", "bb"), strict=True)}
    assert len(starts) == 1
