"""The browser's claim about each photo's original (docs/citizen-intake.md, "Photo hashes").

Before shrinking a photo the report form's JavaScript computes the SHA-256 of the file
the citizen chose (WebCrypto) and sends it with the upload. The server never takes it
for its own: `Photo.original_sha256` is always the server's hash of the bytes it
received; the browser's value goes to `Photo.client_sha256`, labelled as a claim.
"""

import hashlib
import re

from cases.models import Case, Photo

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def attach(uploads, claims: list[str]) -> None:
    """Pair each upload with the claim sent at the same position; a malformed list is ignored."""
    if len(uploads) != len(claims):
        return
    for upload, claim in zip(uploads, claims, strict=True):
        claim = (claim or "").strip().lower()
        if HEX64.match(claim):
            upload.client_sha256 = claim


def _server_hash(upload) -> str:
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def record(case: Case, uploads) -> int:
    """Store the claims on the case's photos, matched by the server's hash of each upload."""
    updated = 0
    for upload in uploads:
        claim = getattr(upload, "client_sha256", "")
        if claim:
            updated += Photo.objects.filter(case=case, original_sha256=_server_hash(upload),
                                            client_sha256="").update(client_sha256=claim)
    return updated
