"""The admin answers hostile input with a clear error, never a server error.

Django's admin trusts a few values that anyone can type into a URL or a form:

1. The date hierarchy turns ``<field>__year``, ``__month`` and ``__day`` into a
   ``datetime``; a year of 30 digits overflows and raised ``OverflowError``
   (Django catches only ``ValueError`` there). :class:`HostileInputChangeList`
   turns it into ``IncorrectLookupParameters``, and every impossible filter is
   answered with :data:`INVALID_FILTER_STATUS` and a page that says so and
   links to the unfiltered list (Django redirected without a word).
2. An admin action filters on the ``_selected_action`` values as primary keys;
   one that is not a key of the model (``abc`` for a number) raised
   ``ValueError``. :meth:`HostileInputAdminMixin.response_action` checks them
   first and answers with a message, changing nothing.
3. The change and delete pages look an object up by the field named in
   ``_to_field``; an empty one was taken for a field name (``FieldDoesNotExist``).
   :meth:`HostileInputAdminMixin.get_object` reads it as "the primary key".
4. A form with an autocomplete field shown again after an error looked up the
   typed value as a key (``NaN`` for a number raised ``ValueError``).
   :class:`HostileInputAutocomplete` leaves out values that are no key.
5. A many-to-many field (a group's permissions) looked its keys up before
   checking them; a huge number overflowed SQLite's integer
   (:class:`SafeModelMultipleChoiceField` checks them first).
6. A posted ``TOTAL_FORMS`` of an inline makes Django build up to 2,000 rows;
   :data:`INLINE_ROWS_MAX` caps rows (and posted rows) of an inline without a
   maximum of its own, so one post cannot keep a worker busy for minutes.
7. The "view on site" shortcut (``/admin/r/<content type>/<id>/``) looked up any
   content type, also of a model without a table (the Redis dashboard's).
   :func:`view_on_site` answers 404 for a model this site does not manage.

:class:`HostileInputSiteMixin` gives every admin of the site these rules when it
is registered, the project's own and those of installed packages alike, so a
new admin cannot forget them.
"""

from functools import cache

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.db import DataError
from django.forms import ModelMultipleChoiceField
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from townhall.accounts.admin_accessibility import AccessibleWidgetsMixin

INVALID_FILTER_STATUS = 400


def is_valid_key(field, value) -> bool:
    """Whether ``value`` (as typed) can be a value of the model field ``field``."""
    try:
        # The validators of an integer field hold the database's range.
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class HostileInputAutocomplete:
    """An autocomplete widget that looks up only values that can be keys."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        value = [v for v in value if v in (None, "") or is_valid_key(target, v)]
        return super().optgroups(name, value, attr)


class SafeAutocompleteSelect(HostileInputAutocomplete, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(HostileInputAutocomplete, AutocompleteSelectMultiple):
    pass


class SafeModelMultipleChoiceField(ModelMultipleChoiceField):
    """Refuses a value that cannot be a key before it is looked up."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        key = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for item in value if isinstance(value, (list, tuple)) else []:
            if item not in ("", None) and not is_valid_key(key, item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)


class HostileInputFormfieldMixin(AccessibleWidgetsMixin):
    """Autocomplete fields with :class:`HostileInputAutocomplete` (admins and inlines),
    and the accessible names of :mod:`~townhall.accounts.admin_accessibility`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if type(formfield) is ModelMultipleChoiceField:
            formfield.__class__ = SafeModelMultipleChoiceField  # same field, keys checked first
        return formfield


# Rows one inline form may build from a posted TOTAL_FORMS (Django's cap is 2,000,
# which makes a single hostile post render for minutes).
INLINE_ROWS_MAX = 500


class HostileInputInlineMixin(HostileInputFormfieldMixin):
    """Mixed into every inline of a hardened admin."""

    def get_formset(self, request, obj=None, **kwargs):
        if "max_num" not in kwargs and self.get_max_num(request, obj, **kwargs) is None:
            # Only where the inline sets no maximum of its own (Django's default is 1,000).
            kwargs.update(max_num=INLINE_ROWS_MAX, absolute_max=INLINE_ROWS_MAX)
        return super().get_formset(request, obj, **kwargs)


@cache
def _hardened_inline(inline_class: type) -> type:
    return type(
        inline_class.__name__,
        (HostileInputInlineMixin, inline_class),
        {"__module__": inline_class.__module__, "__doc__": inline_class.__doc__},
    )


class HostileInputChangeList(ChangeList):
    """A change list whose filters refuse numbers too large for a date or a column."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:  # datetime(10**30, 1, 1) in the date hierarchy
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            return super().get_results(request)
        except (OverflowError, DataError, ValueError) as error:
            # pk__in=10**30: beyond the column's range; created_at__year=-248: a year
            # no datetime holds (raised only when the query is compiled).
            raise IncorrectLookupParameters(error) from error


@cache
def _hardened_changelist(base: type[ChangeList]) -> type[ChangeList]:
    if issubclass(base, HostileInputChangeList):
        return base
    return type(base.__name__, (HostileInputChangeList, base), {"__module__": __name__})


class HostileInputAdminMixin(HostileInputFormfieldMixin):
    """Mixed into every ModelAdmin of a :class:`HostileInputSiteMixin` site."""

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            if not isinstance(inline, HostileInputInlineMixin):
                inline.__class__ = _hardened_inline(type(inline))
        return inlines

    def get_changelist(self, request, **kwargs):
        return _hardened_changelist(super().get_changelist(request, **kwargs))

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except IncorrectLookupParameters:
            request.townhall_invalid_filters = True
            raise

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if getattr(request, "townhall_invalid_filters", False):
            # Django redirects to "?e=1" and drops the filters without a word, or
            # shows a page that blames the database: say what is wrong instead.
            return TemplateResponse(
                request,
                "admin/invalid_setup.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("This list cannot be shown with these filters"),
                    "changelist_url": request.path,
                },
                status=INVALID_FILTER_STATUS,
            )
        return response

    def get_object(self, request, object_id, from_field=None):
        return super().get_object(request, object_id, from_field or None)

    def response_action(self, request, queryset):
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        if not all(is_valid_key(self.model._meta.pk, value) for value in selected):
            self.message_user(
                request,
                _("The selection is not valid. Select the items again; nothing was changed."),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


def _hardened_admin(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    if issubclass(admin_class, HostileInputAdminMixin):
        return admin_class
    return type(
        admin_class.__name__,
        (HostileInputAdminMixin, admin_class),
        {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
    )


class HostileInputSiteMixin:
    """An admin site whose every ModelAdmin gets :class:`HostileInputAdminMixin`."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = _hardened_admin(admin_class or admin.ModelAdmin)
        return super().register(model_or_iterable, admin_class, **options)

    def get_urls(self):
        urls = super().get_urls()
        return [
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            )
            if getattr(url, "name", None) == "view_on_site"
            else url
            for url in urls
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """Django's shortcut to an object's page on the site, for models this site
        manages only (another content type has no table to look in)."""
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ContentType.DoesNotExist, ValueError, OverflowError):
            model = None
        if model is None or model not in self._registry or not model._meta.managed:
            raise Http404(_("There is no such page."))
        return shortcut(request, content_type_id, object_id)
