"""The results table of bench/run.py and bench/load.py, and docs/performance.md upkeep.

docs/performance.md keeps hand-written analysis outside two generated blocks:
<!-- bench:start --> … <!-- bench:end --> and <!-- load:start --> … <!-- load:end -->.
"""

from __future__ import annotations

import re
from pathlib import Path

HEADER = ("benchmark", "figure", "same-run reference", "ratio", "target", "result", "note")


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(header: tuple[str, ...], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render(rows, info: dict, started, args, locked: int, db: str = "sqlite") -> str:
    label = {"sqlite": "SQLite WAL", "postgres": "PostgreSQL + Redis" if getattr(args, "redis", "") else "PostgreSQL"}[db]
    head = (f"### {label}\n\nRun {started:%Y-%m-%d %H:%M} UTC ({'quick: small volumes, short runs' if args.quick else 'full run'}); "
            f"machine: {info['nproc']} cores, {info['cpu']}; Python {info['python']}, Django {info['django']}, "
            f"Wagtail {info['wagtail']}, Pillow {info['pillow']}; load average at start {info['loadavg']}, "
            f"at end {info.get('loadavg_end', '?')}.\n\n"
            f"Server: gunicorn gthread `-w {args.workers} --threads {args.threads}`, production profile, {label}; "
            f"load: {args.connections} keep-alive connections, {args.seconds:g} s measured after {args.warmup:g} s "
            f"warm-up per figure, {getattr(args, 'repeats', 1)} repeats alternating with the reference; 'database is locked' in the server log: {locked}.\n")
    table = markdown_table(HEADER, [(r.name, r.figure, r.reference, r.ratio, r.target, r.verdict, r.note)
                                    for r in rows])
    verdicts = [r.verdict for r in rows if r.verdict]
    summary = (f"\n\n{verdicts.count('PASS')} PASS, {verdicts.count('FAIL')} FAIL, "
               f"{sum(v in ('not available', 'not measured') for v in verdicts)} not available / not measured.")
    return head + "\n" + table + summary


def write(path: Path, block: str, name: str = "bench") -> None:
    """Replace the generated block `name` in `path` (appended when missing)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    new = f"{start}\n{block}\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: new, text) if pattern.search(text) else text.rstrip() + "\n\n" + new + "\n"
    path.write_text(text, encoding="utf-8")
