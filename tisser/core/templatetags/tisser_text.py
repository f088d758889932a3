"""Small text helpers of the templates: keys to copy by hand, links to form fields."""

from django import template

register = template.Library()


@register.filter
def in_groups(value: str, size: int = 4) -> str:
    """``JBSWY3DPEHPK3PXP`` → ``JBSW Y3DP EHPK 3PXP``: a long key split into short groups
    to copy by hand (authenticator apps ignore the spaces)."""
    text = "".join(str(value or "").split())
    size = max(int(size), 1)
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


@register.filter
def field_anchor(bound_field) -> str:
    """The id a link to a field should target so that the focus lands in it: the input, or
    the first choice of a radio or checkbox list (Django gives those lists no ``for`` id)."""
    if bound_field.id_for_label:
        return bound_field.id_for_label
    if getattr(bound_field.field.widget, "input_type", "") in ("radio", "checkbox"):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id or ""
