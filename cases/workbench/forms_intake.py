"""The intake officer's form for cases received by phone, letter or visit
(docs/product.md §4.3): the same intake service as web reports."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.forms import MultipleFileField
from cases.intake import ReporterInput, ReportInput
from cases.models import CaseSource, Category, LocationSource, Township

STAFF_SOURCES = [(s, s.label) for s in (CaseSource.PHONE, CaseSource.LETTER, CaseSource.VISIT)]


class StaffReportForm(forms.Form):
    source = forms.ChoiceField(label=_("Received by"), choices=STAFF_SOURCES)
    source_detail = forms.CharField(label=_("Channel detail"), required=False, max_length=100,
                                    help_text=_("e.g. the hotline number, the letter's registration number"))
    category = forms.ModelChoiceField(Category.objects.filter(parent__isnull=True, is_active=True),
                                      label=_("Category"))
    subcategory = forms.ModelChoiceField(Category.objects.filter(parent__isnull=False, is_active=True)
                                         .select_related("parent"), label=_("Sub-type"), required=False)
    title = forms.CharField(label=_("Short title"), required=False, max_length=120)
    description = forms.CharField(label=_("What is happening"), widget=forms.Textarea(attrs={"rows": 5}),
                                  max_length=10000)
    observed_at = forms.DateTimeField(label=_("When observed"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    polluter_name = forms.CharField(label=_("Polluter (if known)"), required=False, max_length=200)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    township = forms.ModelChoiceField(Township.objects.all(), label=_("Township"), required=False,
                                      help_text=_("Needed when there are no coordinates."))
    latitude = forms.DecimalField(label=_("Latitude (WGS-84)"), required=False, max_digits=9, decimal_places=6,
                                  min_value=-90, max_value=90)
    longitude = forms.DecimalField(label=_("Longitude (WGS-84)"), required=False, max_digits=9, decimal_places=6,
                                   min_value=-180, max_value=180)
    photos = MultipleFileField(label=_("Photos"), required=False)
    is_anonymous = forms.BooleanField(label=_("The reporter wishes to stay anonymous"), required=False)
    name = forms.CharField(label=_("Reporter's name"), required=False, max_length=100)
    phone = forms.CharField(label=_("Reporter's phone"), required=False, max_length=40)
    email = forms.EmailField(label=_("Reporter's e-mail"), required=False)
    consented = forms.BooleanField(label=_("The reporter was told how the portal uses their data"),
                                   required=True)

    def clean(self):
        data = super().clean()
        sub, cat = data.get("subcategory"), data.get("category")
        if sub and cat and sub.parent_id != cat.pk:
            self.add_error("subcategory", _("The sub-type does not belong to the chosen category."))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError(_("A location needs both latitude and longitude."))
        if data.get("latitude") is None and not data.get("address") and not data.get("township"):
            raise ValidationError(_("Give a location: coordinates, an address or a township."))
        return data

    def report(self) -> ReportInput:
        d = self.cleaned_data
        has_point = d["latitude"] is not None
        return ReportInput(
            category=d["category"], subcategory=d["subcategory"], title=d["title"], description=d["description"],
            observed_at=d["observed_at"], polluter_name=d["polluter_name"], latitude=d["latitude"],
            longitude=d["longitude"], location_source=LocationSource.PIN if has_point else LocationSource.ADDRESS,
            address=d["address"], source=d["source"], source_detail=d["source_detail"],
            township=None if has_point else d["township"])

    def reporter(self) -> ReporterInput:
        d = self.cleaned_data
        return ReporterInput(is_anonymous=d["is_anonymous"], name="" if d["is_anonymous"] else d["name"],
                             phone=d["phone"], email=d["email"], consented=d["consented"])
