"""Object ids from URLs, query strings and forms, parsed within the database's range.

Every primary key is a 64-bit signed integer (``BigAutoField``, and the one-to-one keys of
``Site``, ``Partner`` and ``Funder`` that point at one). An id outside 1..2**63-1 names no
row: it must be a 404 or a form error, never a 500 from the database driver (SQLite raises
``OverflowError`` for such a number, and Django's own overflow guard does not cover keys
that are foreign keys).
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import register_converter
from django.urls.converters import get_converters

MAX_ID = 2**63 - 1
# 19 digits is the longest positive 64-bit integer: longer text is never an id.
ID_REGEX = "[0-9]{1,19}"


def parse_id(value) -> int | None:
    """The id written in ``value`` (a string of digits, or an int), or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip() if value is not None else ""
        if not text.isascii() or not text.isdigit() or len(text) > 19:
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdConverter:
    """``<id:pk>`` in a URL: digits within the database's range, else no match (a 404)."""

    regex = ID_REGEX

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"{value!r} is not a database id")
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register() -> None:
    """Register ``<id:...>`` once (apps may be set up again in tests: Django warns on a re-register)."""
    if "id" not in get_converters():
        register_converter(IdConverter, "id")


class BoundedIdsMixin:
    """For model choice fields: a value that is not a database id is an invalid choice.

    Applies when the choice is made by an integer key: the primary key, or a
    ``to_field_name`` that is an integer or a key to one (a ``ModelForm`` gives a foreign
    key to ``Site`` the name of its parent link). Other keys keep Django's own parsing.
    """

    # Provided by the model choice field it is mixed into (declared for the type checker).
    to_field_name: str | None
    queryset: Any

    def _key_is_an_id(self) -> bool:
        if self.to_field_name is None:
            return True
        key = self.queryset.model._meta.get_field(self.to_field_name)
        target = key.target_field if key.is_relation else key
        return isinstance(target, models.IntegerField)

    def _is_bounded(self, value) -> bool:
        return not self._key_is_an_id() or parse_id(value) is not None


class OneQueryChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices read with one plain query.

    Django's iterator reads them with ``QuerySet.iterator()``, which on PostgreSQL opens a
    server-side cursor: four round trips (declare, fetch, fetch, close) where one does, for
    lists of a few dozen sites or partners drawn on every filtered page.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class IdChoiceField(BoundedIdsMixin, forms.ModelChoiceField):
    """``ModelChoiceField`` that answers « invalid choice » to an absurd id instead of a 500."""

    iterator = OneQueryChoiceIterator

    def draw_choices(self, pairs) -> None:
        """Draw these ``(id, label)`` pairs (read as plain rows, in the order of the
        queryset) rather than one object per choice; the field still validates against
        its queryset. Set the queryset first: setting it again draws from it again."""
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        self.widget.choices = [*empty, *pairs]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            return super().to_python(value)
        if not self._is_bounded(value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class IdMultipleChoiceField(BoundedIdsMixin, forms.ModelMultipleChoiceField):
    """``ModelMultipleChoiceField`` with the same guard, for each chosen id."""

    iterator = OneQueryChoiceIterator

    def _check_values(self, value):
        try:
            values = frozenset(value)
        except TypeError:
            return super()._check_values(value)  # type: ignore[misc]  # private, not in the stubs
        for item in values:
            if not isinstance(item, self.queryset.model) and not self._is_bounded(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private, not in the stubs
