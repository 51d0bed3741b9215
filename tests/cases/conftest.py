from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from cases import roles
from cases.intake import ReporterInput, ReportInput, submit_case
from cases.models import Department
from tests import factories as f

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SH)  # a Monday, ordinary working day


@pytest.fixture
def city(db):
    """Two townships side by side, three departments, rules, calendar, users of every role."""
    f.calendar()
    f.provisional_year(2027)
    f.default_policies()
    desk = f.department("市整改办", kind=Department.Kind.OFFICE, email="desk@example.org")
    env = f.department("市生态环境局", email="env@example.org")
    water = f.department("市水利局", email="water@example.org")
    build = f.department("市住建局", email="build@example.org")
    east = f.township("东湖街道", boundary=f.square(117.0, 36.5), code="east", sort_order=1)
    west = f.township("河西街道", boundary=f.square(117.1, 36.5), code="west", sort_order=2)
    air = f.category("大气污染", code="air")
    odour = f.category("异味", parent=air, code="odour")
    water_cat = f.category("水污染", code="water")
    noise = f.category("噪声", code="noise")
    other = f.category("其他", code="other")
    f.rule(env, category=air)
    f.rule(water, category=water_cat)
    f.rule(build, category=water_cat, township=west)
    f.rule(build, township=east)
    return SimpleNamespace(
        desk=desk, env=env, water=water, build=build, east=east, west=west,
        air=air, odour=odour, water_cat=water_cat, noise=noise, other=other,
        intake=f.user("intake", roles.INTAKE, desk),
        env_handler=f.user("env_handler", roles.HANDLER, env),
        env_head=f.user("env_head", roles.HEAD, env),
        water_handler=f.user("water_handler", roles.HANDLER, water),
        build_handler=f.user("build_handler", roles.HANDLER, build),
        supervisor=f.user("supervisor", roles.SUPERVISOR),
        editor=f.user("editor", roles.EDITOR),
    )


@pytest.fixture
def new_case(city):
    """Factory: file a report at T0 (or `now`), routed by the engine unless route=False."""

    def make(category=None, lat=36.55, lng=117.05, now=T0, route=True, reporter=None, **kw):
        report = ReportInput(category=category or city.air, description=kw.pop("description", "夜间有刺鼻气味"),
                             latitude=lat, longitude=lng, location_source="pin", **kw)
        reporter = reporter or ReporterInput(name="张三", phone="13800138000", email="zs@example.org",
                                             ip_address="10.1.2.3")
        return submit_case(report, reporter, now=now, route=route).case

    return make
