"""Staff two-factor sign-in (docs/product.md §4.3, §7): TOTP with recovery codes (django-otp).

An authenticator app is enrolled only by a user with no confirmed device, or by
one who already passed the second factor in this session, so a stolen password
alone can never register a new device.
"""

import base64
import io

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
SESSION_CODES = "workbench_recovery_codes"


def has_confirmed_device(user) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def may_enrol(user) -> bool:
    verified = getattr(user, "is_verified", lambda: False)()
    return verified or not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being set up (kept across page loads until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_text(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def confirm_device(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Check the first code; on success the device replaces any older one, new
    recovery codes are made, the session is verified, and the codes are returned."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
        if not device.verify_token(token):
            return None
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(request.user)
    django_otp.login(request, device)
    return codes


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def verify(request, token: str):
    """A 6-digit code from the app, or a recovery code (used once)."""
    token = "".join(token.split()).lower()
    device_class = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    for device in device_class.objects.devices_for_user(request.user, confirmed=True):
        verified = django_otp.verify_token(request.user, device.persistent_id, token)
        if verified is not None:
            django_otp.login(request, verified)
            return verified
    return None


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
