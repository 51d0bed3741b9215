"""Accessible citizen forms, importable while the models load (cms.models reaches
the objection form through cases.programme.public; cases.forms builds querysets at
import time and cannot be imported that early)."""


class AccessibleFormMixin:
    """Hints and errors are tied to their input (aria-describedby, aria-invalid)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mark_errors()

    def full_clean(self):
        super().full_clean()
        self.mark_errors()

    def mark_errors(self):
        errors = self._errors or {}  # never trigger validation from here
        for name, field in self.fields.items():
            attrs = field.widget.attrs
            attrs.pop("aria-invalid", None)
            ids = [f"{self.auto_id % name}_hint"] if field.help_text else []
            if name in errors:
                ids.append(f"{self.auto_id % name}_error")
                attrs["aria-invalid"] = "true"
            if ids:
                attrs["aria-describedby"] = " ".join(ids)
            else:
                attrs.pop("aria-describedby", None)
