"""The template the test databases are copied from follows every change to a migration."""

from townhall.tests.migrated_template import migrations_digest


def _package(root, name: str, files: dict[str, str]) -> None:
    folder = root / name
    folder.mkdir()
    for file, text in {"__init__.py": "", **files}.items():
        (folder / file).write_text(text)


def test_the_digest_changes_with_a_migration_added_or_edited(tmp_path, monkeypatch, settings):
    today = migrations_digest()
    assert migrations_digest() == today  # the same tree, the same template
    monkeypatch.syspath_prepend(str(tmp_path))
    _package(tmp_path, "one", {"0001_initial.py": "operations = []\n"})
    _package(tmp_path, "edited", {"0001_initial.py": "operations = [1]\n"})
    _package(tmp_path, "added", {"0001_initial.py": "operations = []\n", "0002_more.py": ""})
    digests = set()
    for module in ("one", "edited", "added"):
        settings.MIGRATION_MODULES = {"registry": module}
        digests.add(migrations_digest())
    assert len(digests | {today}) == 4
