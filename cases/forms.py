"""Public forms: the report form, following a similar case, tracking, feedback, review.

Forms validate and normalise input only; the services (cases/intake.py,
cases/duplicates.py, cases/tracking.py) decide (docs/architecture.md rule 5).
"""

import uuid
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from cases import captcha, geo, refcache
from cases.duplicates import category_label
from cases.form_a11y import AccessibleFormMixin
from cases.intake import ReporterInput, ReportInput
from cases.models import Category, Feedback, LocationSource
from cases.reportform import claims, kept, simplecheck

DESCRIPTION_MAX = 5000
PIN_SOURCES = [(s, s) for s in (LocationSource.PIN, LocationSource.DEVICE, LocationSource.PHOTO,
                                LocationSource.GEOCODER)]
phone_validator = RegexValidator(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$",
                                 _("Enter a phone number of digits only, e.g. 13800138000."))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        single = super().clean
        return [single(f, initial) for f in files if f]


class ReporterFieldsMixin(forms.Form):
    """Contact, anonymity, consent, proof of work and the form token (report and follow)."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, validators=[phone_validator],
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("E-mail"), max_length=200, required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    anonymity = forms.ChoiceField(
        label=_("Your name"), widget=forms.RadioSelect, initial="named",
        choices=[("named", _("The intake desk may know my name")),
                 ("anonymous", _("Report anonymously: my name is not recorded"))],
        help_text=_("Either way, only the city's intake desk can see your contact details. The departments "
                    "handling the case never see who reported it."))
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my report is processed as described there."),
        error_messages={"required": _("Please agree to the privacy notice to send your report.")})
    altcha = forms.CharField(required=False, max_length=20000)
    # The no-JavaScript path's question (cases/reportform/simplecheck.py); its signed token is
    # read from the data, not a field, so it is rendered only inside <noscript>.
    check_answer = forms.CharField(required=False, max_length=10,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, captcha_required: bool = False, ip_address: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.captcha_required = captcha_required
        self.ip_address = ip_address
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())

    def clean_phone(self):
        return "".join(ch for ch in self.cleaned_data["phone"] if ch.isdigit() or ch == "+")

    @property
    def simple_path(self) -> bool:
        """Sent without JavaScript: the question instead of the proof of work."""
        return self.captcha_required and self.is_bound and simplecheck.is_simple_path(self.data)

    def check_captcha(self):
        """Last: the proof of work is consumed only by an otherwise valid form."""
        if self.errors or not self.captcha_required:
            return
        if self.simple_path:
            message = simplecheck.verify(self.data.get("check_token", ""), self.data.get("check_answer", ""),
                                         str(self.cleaned_data["idempotency_key"]))
            if message:
                self.add_error("check_answer", message)
            return
        verdict = captcha.verify(self.data.get("altcha", ""), str(self.cleaned_data["idempotency_key"]))
        if not verdict.ok:
            self.add_error("altcha", verdict.message)

    @property
    def token(self) -> str:
        return str(self.cleaned_data["idempotency_key"])

    def reporter_input(self) -> ReporterInput:
        data = self.cleaned_data
        return ReporterInput(is_anonymous=data["anonymity"] == "anonymous", name=data["name"].strip(),
                             phone=data["phone"], email=data["email"].strip(), ip_address=self.ip_address,
                             consented=True)


class LocationFieldsMixin(forms.Form):
    latitude = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    crs = forms.ChoiceField(choices=[(c, c) for c in geo.CRS_CHOICES], initial="wgs84", required=False,
                            widget=forms.HiddenInput)

    def clean_point(self) -> tuple[float, float] | None:
        """WGS-84 (lat, lng), None without a point; errors go on `latitude`."""
        raw_lat, raw_lng = self.cleaned_data.get("latitude", ""), self.cleaned_data.get("longitude", "")
        if not raw_lat and not raw_lng:
            return None
        lat, lng = geo.parse_coordinate(raw_lat), geo.parse_coordinate(raw_lng)
        if lat is None or lng is None or not geo.valid_coordinate(lat, lng):
            self.add_error("latitude", _("The location is not a valid coordinate. Please place the pin again."))
            return None
        lat, lng = geo.to_wgs84(lat, lng, self.cleaned_data.get("crs") or "wgs84")
        if geo.service_area(lat, lng) == geo.OUTSIDE:
            self.add_error("latitude", geo.outside_message())
            return None
        return lat, lng


def root_categories():
    return Category.objects.filter(parent__isnull=True, is_active=True).order_by("sort_order", "code")


def category_tree() -> list[tuple[Category, list[Category]]]:
    """Active root categories with their active sub-types, in the form's order, loaded once
    per catalogue version (cases.refcache "categories": bumped when a category is saved or
    deleted, so a renamed, added or retired category shows on the next form everywhere)."""
    def load():
        return [(root, sorted((c for c in root.subtypes.all() if c.is_active), key=lambda c: (c.sort_order, c.code)))
                for root in root_categories().prefetch_related("subtypes")]

    return refcache.load("categories", load)


class CatalogueChoiceField(forms.ChoiceField):
    """A choice among cached categories (category_tree): its choices are built from the
    cached rows and it cleans to the cached row, so neither building the form nor
    validating it reads the category table (a ModelChoiceField did both per request)."""

    def __init__(self, *, empty_label=None, **kwargs):
        self.empty_label = empty_label
        self.objects: dict[str, Category] = {}
        super().__init__(**kwargs)

    def set_objects(self, objects) -> None:
        self.objects = {str(o.pk): o for o in objects}
        # A callable: the labels are made when the form is rendered (in its language),
        # never on a valid POST, which only needs `objects`.
        self.choices = self._choices_now

    def _choices_now(self) -> list[tuple[str, str]]:
        choices = [(key, category_label(o)) for key, o in self.objects.items()]
        return ([("", self.empty_label)] if self.empty_label is not None else []) + choices

    def prepare_value(self, value):
        return value.pk if isinstance(value, Category) else value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.objects[str(self.prepare_value(value))]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": value}) from None

    def validate(self, value):
        forms.Field.validate(self, value)  # required; the choice itself was checked by to_python

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")


class ReportForm(AccessibleFormMixin, LocationFieldsMixin, ReporterFieldsMixin):
    field_order = ["category", "description", "observed_at", "polluter_name", "latitude", "longitude", "crs",
                   "location_source", "address", "photos", "anonymity", "name", "phone", "email", "consent",
                   "check_answer", "altcha", "idempotency_key"]
    category = CatalogueChoiceField(label=_("What kind of problem is it?"), widget=forms.RadioSelect,
                                    error_messages={"required": _("Please choose the kind of problem.")})
    description = forms.CharField(
        label=_("What is happening?"), max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Describe what you see, hear or smell, and how often it happens."),
        error_messages={"required": _("Please describe what is happening.")})
    observed_at = forms.DateTimeField(
        label=_("When did you notice it?"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Optional. If it keeps happening, give the last time."))
    polluter_name = forms.CharField(label=_("Who is causing it, if you know?"), max_length=200, required=False,
                                    help_text=_("Optional: the name of the company or site."))
    location_source = forms.ChoiceField(choices=PIN_SOURCES, initial=LocationSource.PIN, required=False,
                                        widget=forms.HiddenInput)
    address = forms.CharField(
        label=_("Address or description of the place"), max_length=300, required=False,
        help_text=_("For example the street and house number, or a landmark nearby."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    photos = MultipleFileField(label=_("Photos"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_photos: list[kept.KeptPhoto] = []  # offered again after an error (keep_photos)
        self.photos_not_kept: list[str] = []  # names the citizen must choose again
        tree = category_tree()
        self.fields["category"].set_objects(root for root, _subtypes in tree)
        self.fields["photos"].help_text = _(
            "Optional: up to %(count)s photos, each at most %(mb)s MB (JPEG, PNG, WebP or HEIC)."
        ) % {"count": settings.PORTAL_PHOTO_MAX_COUNT, "mb": settings.PORTAL_PHOTO_MAX_BYTES // 1048576}
        self.subtype_fields = []
        for root, subtypes in tree:
            if not subtypes:
                continue
            name = f"subtype_{root.pk}"
            field = self.fields[name] = CatalogueChoiceField(
                label=_("Kind of %(category)s") % {"category": category_label(root)}, required=False,
                empty_label=_("Not sure / other"))
            field.set_objects(subtypes)
            self.subtype_fields.append((root.pk, name))
        self.mark_errors()

    @property
    def subtype_groups(self):
        return [(pk, self[name]) for pk, name in self.subtype_fields]

    def clean_observed_at(self):
        value = self.cleaned_data.get("observed_at")
        if value and value > timezone.now() + timedelta(minutes=10):
            raise forms.ValidationError(_("This time is in the future."))
        return value

    def _form_token(self) -> str:
        return str(self.data.get("idempotency_key", ""))[:64]

    def _kept_tokens(self) -> list[str]:
        return self.data.getlist("kept_photo")[:20] if hasattr(self.data, "getlist") else []

    def clean_photos(self):
        files = list(self.cleaned_data.get("photos") or [])
        claims.attach(files, self.data.getlist("photo_sha256") if hasattr(self.data, "getlist") else [])
        kept_files, lost = kept.load(self._kept_tokens(), self._form_token())
        files += kept_files
        if lost:
            raise forms.ValidationError(ngettext(
                "%(count)d photo kept from your last attempt is no longer available. Please choose it again.",
                "%(count)d photos kept from your last attempt are no longer available. Please choose them again.",
                lost) % {"count": lost})
        limit = settings.PORTAL_PHOTO_MAX_COUNT
        if len(files) > limit:
            raise forms.ValidationError(ngettext("You can attach at most %(count)d photo.",
                                                 "You can attach at most %(count)d photos.", limit)
                                        % {"count": limit})
        for f in files:
            if f.size > settings.PORTAL_PHOTO_MAX_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is too large: each photo can be at most %(mb)s MB.")
                    % {"name": f.name, "mb": settings.PORTAL_PHOTO_MAX_BYTES // 1048576})
        return files

    def keep_photos(self, leave_out: str = "") -> None:
        """After an error: store this attempt's photos (all but `leave_out`, the one at fault)
        and offer them again with those kept before (cases/reportform/kept.py)."""
        token = self._form_token()
        tokens = self._kept_tokens()
        uploads = [u for u in self.files.getlist("photos") if u.name != leave_out] if self.files else []
        for upload in uploads:
            entry = kept.keep(upload, token)
            if entry is None:
                self.photos_not_kept.append(upload.name)
            else:
                tokens.append(entry.token)
        if uploads:
            kept.purge()  # the stale ones of other visitors; kept photos exist only on this path
        self.kept_photos = kept.describe(tokens, token)

    def clean(self):
        data = super().clean()
        category = data.get("category")
        data["subcategory"] = data.get(f"subtype_{category.pk}") if category else None
        data["point"] = self.clean_point()
        if data["point"] is None and "latitude" not in self.errors and not (data.get("address") or "").strip():
            self.add_error("address", _("Please give a location: put the pin on the map or describe the place "
                                        "in the address field."))
        self.check_captcha()
        return data

    def report_input(self) -> ReportInput:
        data = self.cleaned_data
        point = data["point"]
        extra = {}
        if point and data.get("crs") not in ("", "wgs84"):
            extra["input_coordinates"] = {"crs": data["crs"], "latitude": data["latitude"],
                                          "longitude": data["longitude"]}
        return ReportInput(
            category=data["category"], subcategory=data["subcategory"], description=data["description"].strip(),
            observed_at=data.get("observed_at"), polluter_name=data["polluter_name"].strip(),
            latitude=point[0] if point else None, longitude=point[1] if point else None,
            location_source=(data.get("location_source") or LocationSource.PIN) if point else LocationSource.ADDRESS,
            address=data["address"].strip(), extra=extra, idempotency_key=self.token,
        )


class FollowForm(LocationFieldsMixin, ReporterFieldsMixin):
    """Posted from the report form's "follow this case instead" button."""

    follow_token = forms.CharField(max_length=200)  # opaque (cases/privacy/tokens.py)
    category = forms.ModelChoiceField(queryset=root_categories())

    def clean(self):
        data = super().clean()
        data["point"] = self.clean_point()
        if data["point"] is None and "latitude" not in self.errors:
            self.add_error("latitude", _("Place the pin on the map first."))
        self.check_captcha()
        return data


class TrackForm(AccessibleFormMixin, forms.Form):
    reference = forms.CharField(label=_("Reference number"), max_length=20,
                                widget=forms.TextInput(attrs={"autocapitalize": "characters",
                                                              "autocomplete": "off", "spellcheck": "false"}))
    access_code = forms.CharField(label=_("Access code"), max_length=20,
                                  widget=forms.PasswordInput(attrs={"autocomplete": "off",
                                                                    "autocapitalize": "characters"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        example = f"{settings.PORTAL_REFERENCE_PREFIX}{timezone.localdate().year}-000153"
        self.fields["reference"].help_text = _("For example %(example)s.") % {"example": example}
        self.mark_errors()


class FeedbackForm(AccessibleFormMixin, forms.Form):
    rating = forms.TypedChoiceField(label=_("How satisfied are you with the handling?"), coerce=int,
                                    choices=Feedback.Rating.choices, widget=forms.RadioSelect,
                                    error_messages={"required": _("Please choose a rating.")})
    comment = forms.CharField(label=pgettext_lazy("feedback", "Comment"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Optional."))


class ReviewForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why should the case be looked at again?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("For example: the problem is still there, or the reply does not "
                                         "answer your report."),
                             error_messages={"required": _("Please give a reason for the review.")})
