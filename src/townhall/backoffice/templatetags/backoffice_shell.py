"""The staff layout's tag: the navigation of the signed-in staff member.

Only ``backoffice/base.html`` loads it, so resident pages pay nothing for it.
"""

from django import template

from townhall.backoffice.navigation import may_open_admin, navigation_for

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_shell(context) -> dict:
    """The navigation groups, whether the admin has anything for this member, and
    their department's name in the page's language, for the staff layout."""
    request = context["request"]
    user = request.user
    match = getattr(request, "resolver_match", None)
    department = getattr(user, "department", None)
    language = getattr(request, "LANGUAGE_CODE", "nl")
    view_name = match.view_name if match else None
    # The start page already built the same groups for its cards: reuse them (and
    # their counts) rather than count twice.
    groups = context.get("navigation") or navigation_for(user=user, view_name=view_name)
    return {
        "groups": groups,
        "may_open_admin": may_open_admin(request),
        "department_name": department.localized_name(language) if department else "",
        "on_home": bool(match and match.view_name == "backoffice:home"),
    }
