"""A select written in Python (docs/performance.md, "Staff list").

Django renders a select's every option through a template: the case list's filter
bar (department, category, township, batch, state, source, sort: ~100 options) spent
more time there than on its 50 rows. Same markup as ``forms.Select``: the widget's
context is built by Django as before; only the template step is replaced."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            parts += [format_html('<option value="{}"{}>{}</option>', option["value"], flatatt(option["attrs"]),
                                  option["label"]) for option in options]
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))
