"""Who may open a messaging page: staff with the second factor and the page's permission."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from townhall.accounts.second_factor import staff_required


def staff_permission_required(permission: str):
    """A staff page (second factor first, so a stranger is sent to sign in) that also
    needs ``permission``; without it the answer is 403."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        checked.required_permission = permission
        return staff_required(checked)

    return decorator
