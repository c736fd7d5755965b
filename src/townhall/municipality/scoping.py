"""The department scoping rule: which department-owned objects a staff member sees.

A request for a department (a correction request today, a case or an inbox item
tomorrow) names the department that handles it. Staff lists of such objects pass
their queryset through :func:`for_department`, so that every list and inbox
applies the same rule:

1. a superuser (the administrator) sees every department's objects;
2. a staff member sees the objects of their own department;
3. an account without a department sees none: ICT gives a new colleague a
   department before they see any department's work.

The rule lives here, beside :class:`~townhall.municipality.models.Department`,
because the apps that own such objects (registry, messaging, the coming cases)
sit below accounts; it reads only the ``is_superuser`` and ``department``
attributes of the user it is given.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet


def for_department(queryset: QuerySet, *, user, field: str = "department") -> QuerySet:
    """``queryset`` limited to the objects of ``user``'s department.

    ``field`` names the model's field that says which department handles an object:
    a foreign key to :class:`~townhall.municipality.models.Department`, or a field
    holding the department's ``code`` (as ``CorrectionRequest.department_code``,
    which is set before any department row need exist).
    """
    if getattr(user, "is_superuser", False):
        return queryset
    department = getattr(user, "department", None)
    if department is None or not getattr(user, "is_authenticated", False):
        return queryset.none()
    try:
        model_field = queryset.model._meta.get_field(field)
    except FieldDoesNotExist as error:
        raise ValueError(
            f"{queryset.model.__name__} has no field {field!r} naming a department."
        ) from error
    value = department if model_field.is_relation else department.code
    return queryset.filter(**{field: value})
