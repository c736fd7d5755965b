"""The README and ``docs/`` stand on their own (issue 20, item 9).

A newcomer reads them in the repository: every link must lead to a file of the
repository (or to the web), never to a folder beside it (``../shared/…``) or a path
of one machine (``/work/…``); and the README shows the two screenshots it promises,
small enough to load quickly.
"""

import re
import struct
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[3]
PAGES = [PROJECT / "README.md", *sorted((PROJECT / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
# A path that climbs out of the page's folder, or an absolute path of a machine.
RELATIVE = re.compile(r"(?<![\w/.])(?:\.\./)+[\w.-][\w./-]*")
MACHINE_PATH = re.compile(r"(?<![\w:/.])/(?:work|home|tmp|root|Users|srv|mnt)/[\w./-]+")
SCREENSHOTS = ["docs/screenshots/resident.png", "docs/screenshots/staff.png"]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_no_link_leads_outside_the_project(page):
    text = page.read_text(encoding="utf-8")
    outside = MACHINE_PATH.findall(text)
    for found in RELATIVE.findall(text):
        if not (page.parent / found).resolve().is_relative_to(PROJECT):
            outside.append(found)
    assert not outside, f"{page.name} points outside the project: {outside}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_link_to_a_file_finds_it(page):
    missing = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # the web, e-mail, or an anchor on the page
        path = (page.parent / target.split("#")[0]).resolve()
        if not path.is_relative_to(PROJECT) or not path.exists():
            missing.append(target)
    assert not missing, f"{page.name} links to what is not in the project: {missing}"


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_the_readme_shows_a_resident_and_a_staff_screenshot():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    shown = LINK.findall(readme)
    for screenshot in SCREENSHOTS:
        assert screenshot in shown, f"the README does not show {screenshot}"
        path = PROJECT / screenshot
        width, _height = _png_size(path)
        assert width == 1280, f"{screenshot} is {width} px wide, not the desktop 1280"
        assert path.stat().st_size < 200_000, f"{screenshot} is too large to load quickly"
