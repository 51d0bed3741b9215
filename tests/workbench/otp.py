"""Signing staff in past the second factor, in tests.

`login_with_otp(client, user)` gives the user a confirmed TOTP device (if they have
none) and passes the real verify view with the current code, so tests run with
PORTAL_REQUIRE_2FA on, as production does. `browser_login(page, base_url, user)`
does the same through the sign-in form in a real browser.
"""

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "pw-Portal-123"  # tests.factories.user's default


def device_for(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device


def current_token(device: TOTPDevice) -> str:
    # A code may be used once (replay protection): let the same user sign in again.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def login_with_otp(client: Client, user) -> Client:
    client.force_login(user)
    response = client.post(reverse("workbench_otp:verify"), {"token": current_token(device_for(user))})
    assert response.status_code == 302, f"second factor refused for {user}: {response.status_code}"
    return client


def browser_login(page, base_url: str, user, password: str = PASSWORD) -> None:
    """Username and password, then the authenticator code, in the browser."""
    device = device_for(user)
    page.goto(f"{base_url}{reverse('wagtailadmin_login')}")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url("**/admin/otp/verify/**")
    page.fill("#id_token", current_token(device))
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
