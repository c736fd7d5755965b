"""The Content Security Policy allows this site's own stylesheets only (``style-src
'self'``): a ``style`` attribute or a ``<style>`` element in a page is refused by the
browser, so its look silently goes. Styles live in the stylesheets."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

INLINE_STYLE = re.compile(r"""<style[\s>]|\sstyle\s*=\s*["']""", re.IGNORECASE)
# Letters and issued documents are made into PDF by WeasyPrint on the server; no browser
# and no policy there (a document takes the municipality's colours as style attributes).
NOT_SERVED_TO_BROWSERS = ("messaging/letters/", "documents/pdf/")


def _templates() -> list[Path]:
    directories = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    directories += [
        Path(config.path) / "templates"
        for config in apps.get_app_configs()
        if config.name.startswith("townhall.")
    ]
    return [path for directory in directories for path in directory.rglob("*.html")]


def test_the_policy_refuses_inline_styles():
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"] == ["'self'"]


def test_no_template_has_an_inline_style():
    templates = _templates()
    assert len(templates) > 50, "too few templates found"
    found = [
        f"{path}: {match.group(0).strip()}"
        for path in templates
        if not any(part in path.as_posix() for part in NOT_SERVED_TO_BROWSERS)
        for match in INLINE_STYLE.finditer(path.read_text())
    ]
    assert not found, "inline styles the policy refuses:\n" + "\n".join(found)
