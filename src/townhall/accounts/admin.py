from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Staff accounts, for ICT. Resident accounts are not here: their names and
    addresses are a person's data, which no staff page shows without asking why
    and logging the look; residents manage their own account."""

    list_display = ["username", "first_name", "last_name", "department", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "department", "groups"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Department"), {"fields": ["department"]}),
    ]

    # Who may change users (ICT) must not be able to make anyone, themselves
    # included, a superuser or hand out single permissions: roles are groups.
    PRIVILEGED_FIELDS = ["is_superuser", "user_permissions"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=User.Kind.STAFF)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += self.PRIVILEGED_FIELDS
        return fields

    def has_change_permission(self, request, obj=None):
        # Nor change a superuser's account or password (then remove their second
        # factor and sign in as them).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)
