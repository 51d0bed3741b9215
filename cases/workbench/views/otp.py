"""Two-factor pages: set up an authenticator, enter a code, see recovery codes once."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views import View

from cases.workbench import twofactor


class TokenForm(forms.Form):
    token = forms.CharField(label=pgettext_lazy("two-factor", "Code"), max_length=20, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "inputmode": "text", "autofocus": True, "spellcheck": "false"}))


def safe_next(request, default: str = "wagtailadmin_home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


class VerifyView(View):
    template_name = "workbench/otp_verify.html"

    def get(self, request):
        if not twofactor.has_confirmed_device(request.user):
            return redirect("workbench_otp:setup")
        return self.page(request, TokenForm())

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            device = twofactor.verify(request, form.cleaned_data["token"])
            if device is not None:
                if device.__class__.__name__ == "StaticDevice":
                    messages.warning(request, _("You signed in with a recovery code; %(n)s remain.") % {
                        "n": twofactor.remaining_recovery_codes(request.user)})
                return safe_next(request)
            form.add_error("token", _("This code is not valid. Try the current code from your app."))
        return self.page(request, form, status=200)

    def page(self, request, form, status=200):
        return render(request, self.template_name, {"form": form, "next": request.GET.get("next", "")},
                      status=status)


class SetupView(View):
    template_name = "workbench/otp_setup.html"

    def dispatch(self, request, *args, **kwargs):
        if not twofactor.may_enrol(request.user):
            return redirect("workbench_otp:verify")  # a password alone never adds a device
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.page(request, TokenForm())

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            codes = twofactor.confirm_device(request, twofactor.pending_device(request.user),
                                             form.cleaned_data["token"])
            if codes is not None:
                request.session[twofactor.SESSION_CODES] = codes
                return redirect("workbench_otp:codes")
            form.add_error("token", _("This code is not valid. Check the time on your phone and try again."))
        return self.page(request, form)

    def page(self, request, form):
        device = twofactor.pending_device(request.user)
        return render(request, self.template_name, {
            "form": form, "qr": twofactor.qr_data_uri(device.config_url), "secret": twofactor.secret_text(device)})


class RecoveryCodesView(View):
    """The codes appear once, right after they were made; a new set can be made."""

    template_name = "workbench/otp_codes.html"

    def get(self, request):
        codes = request.session.pop(twofactor.SESSION_CODES, None)
        return render(request, self.template_name, {
            "codes": codes, "remaining": twofactor.remaining_recovery_codes(request.user)})

    def post(self, request):
        request.session[twofactor.SESSION_CODES] = twofactor.new_recovery_codes(request.user)
        return redirect("workbench_otp:codes")
