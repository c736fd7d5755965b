"""axe-core checks for browser tests, at the WCAG 2.1 A and AA levels."""

from axe_playwright_python.sync_playwright import Axe

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def assert_no_axe_violations(page) -> None:
    """Fail with axe's own report when the page breaks a WCAG 2.1 A or AA rule."""
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, results.generate_report()
