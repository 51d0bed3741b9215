"""Keeps requirements/*.txt (pip-compile lock files with hashes) in step with pyproject.toml.

    python3 scripts/lock.py stamp   # after pip-compile (`make lock` does both)
    python3 scripts/lock.py check   # before installing (`make install`, `.ci/run`)

The stamp is a fingerprint of what pyproject.toml asks for (Python version, dependencies,
optional dependencies). Changing a requirement without running `make lock` makes `check`
fail with a clear message instead of installing something else than pyproject.toml says.
"""

import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ["requirements/production.txt", "requirements/dev.txt"]
PREFIX = "# pyproject-fingerprint: "


def fingerprint(root: Path = ROOT) -> str:
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    wanted = {
        "requires-python": project.get("requires-python", ""),
        "dependencies": sorted(project.get("dependencies", [])),
        "optional-dependencies": {k: sorted(v) for k, v in project.get("optional-dependencies", {}).items()},
    }
    return hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()


def stamp(root: Path = ROOT) -> None:
    line = PREFIX + fingerprint(root) + "\n"
    for lock in (root / name for name in LOCKS):
        kept = [x for x in lock.read_text().splitlines(keepends=True) if not x.startswith(PREFIX)]
        lock.write_text(line + "".join(kept))


def check(root: Path = ROOT) -> int:
    expected = fingerprint(root)
    for name in LOCKS:
        lock = root / name
        if not lock.exists():
            print(f"{name} is missing: run `make lock`.", file=sys.stderr)
            return 1
        first = lock.read_text().split("\n", 1)[0]
        if first != PREFIX + expected:
            print(f"{name} is stale: pyproject.toml's requirements changed since it was "
                  "generated. Run `make lock` and commit requirements/.", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "stamp":
        stamp()
    elif command == "check":
        sys.exit(check())
    else:
        sys.exit(f"usage: {sys.argv[0]} stamp|check")
