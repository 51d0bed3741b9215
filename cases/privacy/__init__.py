"""Privacy rules shared by every public output (docs/security.md).

- `location`: where the public may see a case, and the coarse cells that every
  answer about location (public list, map, open data, Open311, nearby suggestions)
  is computed from.
- `tokens`: opaque follow tokens for cases the public may not know about.
- `text`: control characters removed from text on the way in.
"""
