"""The layers of ARCHITECTURE.md are declared in full, and the import-loop tool finds loops."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import townhall

PROJECT = Path(townhall.__file__).resolve().parent.parent.parent
SOURCE = PROJECT / "src" / "townhall"
TOOL = PROJECT / "tools" / "import_loops.py"
# ../shared/design/ARCHITECTURE.md, "Layout" and "Direction of dependencies".
PLANNED_APPS = {
    "municipality",
    "registry",
    "accounts",
    "catalog",
    "eforms",
    "cases",
    "documents",
    "messaging",
    "news",
    "courses",
    "eid_readers",
    "portal",
    "backoffice",
    "api",
}


def contracts() -> dict[str, dict]:
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["name"]: contract for contract in config["contracts"]}


def layers(contract: dict) -> list[set[str]]:
    """Each layer as the set of its module names, parentheses (optional) removed."""
    found = []
    for layer in contract["layers"]:
        separator = ":" if ":" in layer else "|"
        found.append({name.strip().strip("()") for name in layer.split(separator)})
    return found


def children_of_the_package() -> set[str]:
    return {
        path.stem if path.is_file() else path.name
        for path in SOURCE.iterdir()
        if (path.is_file() and path.suffix == ".py" and path.name != "__init__.py")
        or (path / "__init__.py").exists()
    }


def run_tool(*arguments: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, str(TOOL), *arguments],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_layers_declare_every_planned_app_and_every_top_level_module():
    contract = contracts()["Inner apps never import outer ones"]
    declared = set().union(*layers(contract))
    assert contract["containers"] == ["townhall"]
    assert contract["exhaustive"] is True
    assert declared >= PLANNED_APPS
    assert declared >= children_of_the_package(), "every app and top-level module is placed"
    assert {"demo_idp", "settings", "urls", "wsgi", "asgi", "conf", "plugins"} <= declared


def test_the_layers_run_in_the_order_of_architecture_md():
    order = [
        "municipality",
        "registry",
        "messaging",
        "accounts",
        "catalog",
        "eforms",
        "cases",
        "documents",
        "news",
        "portal",
        "urls",
    ]
    stack = layers(contracts()["Inner apps never import outer ones"])
    # The contract lists the highest layer first.
    heights = {name: -position for position, layer in enumerate(stack) for name in layer}
    assert sorted(order, key=heights.__getitem__) == order
    assert heights["conf"] < heights["municipality"]
    assert heights["plugins"] < heights["municipality"]
    assert heights["courses"] == heights["eid_readers"] == heights["news"]


def test_the_importers_sit_above_the_registry_beside_messaging():
    # They write the registers; the registry never imports them (issue 18), and they
    # have no business with messages, nor messaging with them.
    contract = contracts()["Inner apps never import outer ones"]
    stack = layers(contract)
    heights = {name: -position for position, layer in enumerate(stack) for name in layer}
    assert heights["registry"] < heights["importers"] == heights["messaging"] < heights["demo"]
    (beside,) = [layer for layer in contract["layers"] if "importers" in layer]
    assert "|" in beside, "importers and messaging may not import each other"


def test_news_courses_and_eid_readers_are_independent():
    contract = contracts()["News, courses and eID readers are independent"]
    assert layers(contract) == [{"news", "courses", "eid_readers"}]
    assert "|" in contract["layers"][0], "siblings separated by | may not import each other"


def write_package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_tool_names_loops_between_modules_and_between_apps(tmp_path):
    write_package(
        tmp_path,
        {
            "loopy/__init__.py": "",
            "loopy/cases/__init__.py": "",
            "loopy/cases/models.py": "from loopy.cases import services\n",
            # A deferred import still closes the loop.
            "loopy/cases/services.py": "def f():\n    from loopy.cases import models\n",
            "loopy/cases/views.py": "from loopy.cases import services\n",
            "loopy/news/__init__.py": "from loopy import courses\n",
            "loopy/courses/__init__.py": "",
            "loopy/courses/signup.py": "from loopy.news import feeds\n",
            "loopy/news/feeds.py": "",
        },
    )
    result = run_tool("--package", "loopy", pythonpath=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Import loop between 2 modules in loopy.cases:" in result.stdout
    assert "loopy.cases.models -> loopy.cases.services -> loopy.cases.models" in result.stdout
    assert "loopy.cases.services -> loopy.cases.models (l.2)" in result.stdout
    assert "loopy.cases.views ->" not in result.stdout
    assert "Import loop between 2 apps or top-level modules" in result.stdout
    assert "loopy.courses -> loopy.news -> loopy.courses" in result.stdout
    assert "loopy.courses.signup -> loopy.news.feeds (l.1)" in result.stdout
    assert "2 import loop(s) found in loopy." in result.stdout


def test_the_tool_passes_a_package_without_loops(tmp_path):
    write_package(
        tmp_path,
        {
            "tidy/__init__.py": "",
            "tidy/cases/__init__.py": "",
            "tidy/cases/models.py": "",
            "tidy/cases/services.py": "from tidy.cases import models\n",
            "tidy/news/__init__.py": "from tidy.cases import services\n",
            # Tests of a lower app may use a higher app's fixtures (the contract says
            # where): not a loop between apps.
            "tidy/cases/tests/__init__.py": "",
            "tidy/cases/tests/test_feed.py": "from tidy import news\n",
        },
    )
    result = run_tool("--package", "tidy", pythonpath=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "No import loop in tidy: between modules or between apps."


def test_the_tool_says_when_it_cannot_find_the_package():
    result = run_tool("--package", "no_such_package_here")
    assert result.returncode == 2
    assert "Cannot analyse no_such_package_here" in result.stderr


def test_townhall_has_no_import_loop_between_apps():
    result = run_tool()
    assert result.returncode in (0, 1), result.stderr
    assert "apps or top-level modules" not in result.stdout, result.stdout


def test_townhall_has_no_import_loop():
    result = run_tool()
    assert result.returncode == 0, result.stdout
