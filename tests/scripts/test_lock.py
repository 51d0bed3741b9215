"""scripts/lock.py: installing from a lock file older than pyproject.toml fails clearly."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("lockscript", ROOT / "scripts" / "lock.py")
lock = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lock)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "requirements").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nrequires-python = ">=3.11"\ndependencies = ["Django>=5.2,<5.3"]\n'
        '[project.optional-dependencies]\ndev = ["pytest>=8"]\n')
    for name in lock.LOCKS:
        (tmp_path / name).write_text("django==5.2.1 \\\n    --hash=sha256:00\n")
    lock.stamp(tmp_path)
    return tmp_path


def test_a_fresh_stamp_passes(project):
    assert lock.check(project) == 0
    assert (project / lock.LOCKS[0]).read_text().count(lock.PREFIX) == 1


def test_a_new_requirement_makes_the_lock_stale(project, capsys):
    text = (project / "pyproject.toml").read_text().replace('"pytest>=8"', '"pytest>=8", "moto>=5"')
    (project / "pyproject.toml").write_text(text)
    assert lock.check(project) == 1
    message = capsys.readouterr().err
    assert "stale" in message and "make lock" in message


def test_a_missing_lock_is_reported(project, capsys):
    (project / lock.LOCKS[1]).unlink()
    assert lock.check(project) == 1
    assert "missing" in capsys.readouterr().err


def test_stamping_twice_keeps_one_line(project):
    lock.stamp(project)
    assert (project / lock.LOCKS[1]).read_text().count(lock.PREFIX) == 1

