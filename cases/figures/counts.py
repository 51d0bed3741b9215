"""The shape every group of counted figures shares: integer fields, zero by default,
read out as a plain dict (what a snapshot stores and a template or API reads)."""

from dataclasses import dataclass, fields
from typing import ClassVar


@dataclass(frozen=True)
class Counts:
    # Properties computed from the counts that belong in the dict too.
    DERIVED: ClassVar[tuple[str, ...]] = ()

    def as_dict(self) -> dict[str, int]:
        counted = {f.name: getattr(self, f.name) for f in fields(self) if f.type is int}
        return counted | {name: getattr(self, name) for name in self.DERIVED}
