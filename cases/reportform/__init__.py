"""The citizen report form's own services (docs/citizen-intake.md, docs/security.md):

- `simplecheck`: the question asked instead of the proof of work when the browser runs
  no JavaScript, its stricter rate limits and the review hold for such reports;
- `kept`: photos kept on the server for a few minutes after a form error, so the
  citizen does not have to choose them again;
- `claims`: the SHA-256 the browser computed of each original before shrinking it,
  recorded next to the server's own hash as a claim.
"""
