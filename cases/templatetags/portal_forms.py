"""`{% linkedfield field %}`: Wagtail's `formattedfield` with the field's error linked to
its input, as Wagtail's own FieldPanel does it. The bare `formattedfield` tag renders the
error container without an id and leaves the input pointing at nothing (or at its help
text only), so a screen reader never hears the error when it lands on the field. Every
form of the project's staff screens uses this tag (tests/workbench/test_form_errors.py)."""

from django import template
from wagtail.admin.templatetags.wagtailadmin_tags import formattedfield

register = template.Library()


def described_by(field) -> tuple[str, str, dict]:
    """(help text id, error container id, attributes for the input)."""
    base = field.id_for_label or field.auto_id or field.html_name
    help_id = f"{base}-helptext" if field.help_text else ""
    error_id = f"{base}-errors"
    ids = [help_id] if help_id else []
    attrs = {}
    if field.errors:
        ids.append(error_id)
        attrs["aria-invalid"] = "true"
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    return help_id, error_id, attrs


@register.inclusion_tag("wagtailadmin/shared/formatted_field.html")
def linkedfield(field, **kwargs):
    help_id, error_id, attrs = described_by(field)
    widget = field.field.widget
    if field.errors and hasattr(widget, "render_with_errors"):  # the widget shows its own errors
        rendered = widget.render_with_errors(field.html_name, field.value(), errors=field.errors,
                                             attrs={"id": field.auto_id, **attrs})
    else:
        rendered = field.as_widget(attrs=attrs)
    kwargs.setdefault("error_message_id", error_id)
    if help_id:
        kwargs.setdefault("help_text_id", help_id)
    return formattedfield(field=field, rendered_field=rendered, **kwargs)
