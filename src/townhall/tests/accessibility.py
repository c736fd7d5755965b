"""axe-core checks for browser tests, at the WCAG 2.1 A and AA levels."""

import json

from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The widths every page is checked at: a phone and a desktop.
WIDTHS = (375, 1280)
HEIGHT = 900

_AXE_SCRIPT = Axe().axe_script
_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_21_AA},
    "resultTypes": ["violations"],
    # axe fetches and parses every style sheet again on each run ("cssom") for the one
    # rule that reads them, css-orientation-lock, which is experimental and so never
    # runs; the media it loads for no-autoplay-audio stay. The same outcome for every
    # rule on every staff page, in about three quarters of the time.
    "preload": {"assets": ["media"]},
}
_RUN = f"axe.run({json.dumps(_OPTIONS)})"


def axe_report(page) -> str | None:
    """axe's own report of the page's WCAG 2.1 A and AA violations, or None when there
    are none. axe-core is put into a document once: it stays there when the viewport
    is resized, and each run looks at the page as it is laid out then."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_AXE_SCRIPT)
    results = AxeResults(page.evaluate(_RUN))
    return results.generate_report() if results.violations_count else None


def assert_no_axe_violations(page) -> None:
    """Fail with axe's own report when the page breaks a WCAG 2.1 A or AA rule."""
    report = axe_report(page)
    assert report is None, report


def axe_reports_at_every_width(page, where: str) -> list[str]:
    """Check the page as it is now at each of :data:`WIDTHS` (narrowest first), resizing
    the viewport rather than loading the page again; the reports, one per failing width.
    The viewport is left at the widest."""
    reports = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        report = axe_report(page)
        if report:
            reports.append(f"{where} at {width}px:\n{report}")
    return reports


def assert_no_axe_violations_at_every_width(page, where: str = "the page") -> None:
    """:func:`assert_no_axe_violations` at each of :data:`WIDTHS`, without a reload."""
    reports = axe_reports_at_every_width(page, where)
    assert not reports, "\n\n".join(reports)
