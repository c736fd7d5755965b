"""The declared dependencies match what runs: pins, extras, and only public APIs of packages."""

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import townhall

PROJECT = Path(townhall.__file__).resolve().parent.parent.parent
SOURCE = PROJECT / "src" / "townhall"
REDIS_QUEUE = {"django-tasks-rq", "django-rq", "rq", "rq-scheduler", "redis", "croniter", "crontab"}


def pyproject() -> dict:
    return tomllib.loads((PROJECT / "pyproject.toml").read_text())


def pins(name: str) -> dict[str, str]:
    """``{package: version}`` of a pip-compile style requirements file."""
    found = {}
    for line in (PROJECT / "requirements" / name).read_text().splitlines():
        if line and not line.startswith((" ", "#", "-")):
            package, version = line.split("==")
            found[canonicalize_name(package)] = version
    return found


def declared(requirements: list[str]) -> list[Requirement]:
    return [Requirement(line) for line in requirements]


@pytest.mark.parametrize(
    ("pinned", "extras"),
    [("base.txt", ()), ("redis.txt", ("redis",)), ("dev.txt", ("redis", "dev"))],
)
def test_every_declared_dependency_is_pinned_within_its_range(pinned, extras):
    project = pyproject()["project"]
    wanted = declared(project["dependencies"])
    for extra in extras:
        wanted += declared(project["optional-dependencies"][extra])
    versions = pins(pinned)
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in versions, f"{name} is not pinned in requirements/{pinned}"
        assert requirement.specifier.contains(versions[name], prereleases=True), (
            f"requirements/{pinned} pins {name}=={versions[name]}, outside {requirement}"
        )


def test_the_base_set_has_the_web_server_but_no_redis_queue_nor_test_tools():
    base = pins("base.txt")
    assert "gunicorn" in base  # docs/operations.md runs it
    assert not REDIS_QUEUE & set(base), "the Redis Queue packages belong to the redis extra"
    assert "freezegun" not in base, "freezegun is for tests"
    assert "nh3" in base, "the news app sanitises the bodies of publications with it"
    # Each larger set holds the base set at the same versions.
    for superset in ("redis.txt", "dev.txt"):
        wider = pins(superset)
        assert {name: wider.get(name) for name in base} == base, superset
        assert set(wider) >= REDIS_QUEUE, superset


def test_no_test_tool_is_imported_outside_the_tests():
    test_tools = {"freezegun", "factory", "pytest", "hypothesis", "playwright", "aiosmtpd"}
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.relative_to(SOURCE).parts or path.name == "conftest.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = {node.module.split(".")[0]}
            else:
                continue
            assert not roots & test_tools, f"{path.relative_to(PROJECT)}:{node.lineno}"


def private_uses(path: Path) -> list[str]:
    """Private names (``_x``, not ``__x__``) that ``path`` reads from third-party packages."""
    tree = ast.parse(path.read_text(), filename=str(path))
    third_party = set()
    uses = []

    def outside(module: str) -> bool:
        root = module.split(".")[0]
        return root != "townhall" and root not in sys.stdlib_module_names

    def private(name: str) -> bool:
        # Model._meta is Django's documented Options API despite its underscore.
        return name.startswith("_") and not name.startswith("__") and name != "_meta"

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if outside(alias.name):
                    third_party.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and outside(node.module or ""):
            for alias in node.names:
                if private(alias.name):
                    uses.append(f"{node.module}.{alias.name} (line {node.lineno})")
                third_party.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in third_party
            and private(node.attr)
        ):
            uses.append(f"{node.value.id}.{node.attr} (line {node.lineno})")
    return uses


def test_no_module_reads_a_private_name_of_a_package():
    found = {
        str(path.relative_to(PROJECT)): uses
        for path in SOURCE.rglob("*.py")
        if "tests" not in path.relative_to(SOURCE).parts and (uses := private_uses(path))
    }
    assert found == {}


HIDE_REDIS_QUEUE = (
    "import sys; sys.modules.update(dict.fromkeys("
    "['django_rq', 'django_tasks_rq', 'rq', 'rq_scheduler', 'redis'], None)); "
    "from townhall.__main__ import main; main(['townhall', 'check'])"
)


def _check_without_redis_queue(backend: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOWNHALL_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-c", HIDE_REDIS_QUEUE],
        env={**env, "TOWNHALL_TASKS_BACKEND": backend},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_townhall_starts_without_the_redis_extra():
    completed = _check_without_redis_queue("database")
    assert completed.returncode == 0, completed.stderr
    assert "System check identified no issues" in completed.stdout


def test_the_rq_backend_without_the_redis_extra_says_what_to_install():
    completed = _check_without_redis_queue("rq")
    assert completed.returncode != 0
    assert (
        "TOWNHALL_TASKS_BACKEND=rq needs the Redis Queue packages, which come with the "
        "'redis' extra: pip install -r requirements/redis.txt"
    ) in completed.stderr
