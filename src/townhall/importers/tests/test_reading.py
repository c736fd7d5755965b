"""The CSV rules every importer shares: header by name, one row per line, bad rows reported."""

import io
import zipfile

import pytest

from townhall.importers.base import SeenNumbers
from townhall.importers.reading import (
    BadRow,
    CsvReader,
    ImportFileError,
    Row,
    SourceFile,
    single_csv,
)


def reader(data: bytes, **options) -> CsvReader:
    source = SourceFile("test.csv", len(data), lambda: io.BytesIO(data))
    options.setdefault("kind", "test file")
    options.setdefault("required", ["a", "b"])
    return CsvReader(source, **options)


def test_maps_columns_by_name_and_strips_the_byte_order_mark():
    rows = list(reader(b"\xef\xbb\xbfb,c,a\r\n2,3,1\r\n"))
    assert rows == [Row(2, {"b": "2", "c": "3", "a": "1"})]


def test_each_bad_line_becomes_a_bad_row_and_reading_goes_on():
    data = (
        b"a,b,c\n"
        b"1,2,3\n"
        b'"open,2,3\n'  # unclosed quote: must not swallow the next line
        b"4,5,6\n"
        b"7,8\n"  # one value short
        b"9,\xe9,1\n"  # Latin-1, not UTF-8
        b'"x"y,1,2\n'  # text after a closing quote
        b"\n"  # empty lines are ignored
        b"10,11,12\n"
    )
    rows = list(reader(data))
    assert [type(row) for row in rows] == [Row, BadRow, Row, BadRow, BadRow, BadRow, Row]
    assert [row.line for row in rows] == [2, 3, 4, 5, 6, 7, 9]
    assert rows[1].reason == "a quoted value is not closed on its line (bad quoting)"
    assert rows[3].reason == "expected 3 values as in the header, found 2"
    assert rows[4].reason.startswith("the line is not valid UTF-8 (byte 0xE9 at position 3)")
    assert rows[5].reason.startswith("bad quoting:")


def test_a_quote_left_open_at_the_end_of_the_file_is_a_bad_row():
    rows = list(reader(b'a,b\n1,2\n"3,4\n'))
    assert rows[-1] == BadRow(3, "a quoted value is not closed on its line (bad quoting)")


def test_a_missing_column_stops_at_once_naming_it_and_the_expected_header():
    with pytest.raises(ImportFileError) as error:
        reader(
            b"a,x\n1,2\n",
            kind="BeST address file",
            required=["a", "b"],
            one_of=[[("x", "y"), ("u", "v")]],
            expected_header="a,b,x,y",
        )
    message = str(error.value)
    assert "test.csv is not a BeST address file" in message
    assert "lacks the columns b, x/y or u/v" in message
    assert "Expected header: a,b,x,y" in message


def test_an_empty_file_is_refused():
    with pytest.raises(ImportFileError, match=r"test\.csv is empty"):
        reader(b"")


def test_a_zip_archive_with_one_csv_file_is_read_from_the_archive(tmp_path):
    archive = tmp_path / "openaddress-bevlg.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("openaddress-bevlg.csv", "a,b\n1,2\n")
    source = single_csv(archive)
    assert source.name == "openaddress-bevlg.csv"
    rows = list(CsvReader(source, kind="test", required=["a"]))
    assert rows == [Row(2, {"a": "1", "b": "2"})]


def test_a_zip_archive_with_several_csv_files_is_refused(tmp_path):
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("one.csv", "a\n")
        zf.writestr("two.csv", "a\n")
    with pytest.raises(ImportFileError, match=r"exactly one CSV file; it holds one\.csv, two\.csv"):
        single_csv(archive)


def test_seen_numbers_tell_the_earlier_line():
    seen = SeenNumbers()
    assert seen.add(2001001, 2) is None
    assert seen.add(7, 3) is None
    assert seen.add(2001001, 9) == 2
    assert seen.add(1 << 40, 10) is None  # beyond the bitmap: kept in a set
    assert seen.add(1 << 40, 11) == 10


def test_seen_numbers_forget_old_lines_but_not_the_numbers(monkeypatch):
    monkeypatch.setattr(SeenNumbers, "RECENT", 2)
    seen = SeenNumbers()
    for line, number in enumerate((10, 20, 30), start=2):
        seen.add(number, line)
    assert seen.add(10, 9) == 0  # still a duplicate; its line is no longer known
    assert seen.add(30, 9) == 4


def test_the_progress_bar_shows_rows_per_second_and_rejections():
    from townhall.importers.progress import Progress

    stream = io.StringIO()
    progress = Progress(stream, enabled=True)
    progress.start("addresses")
    progress.update(done=50, total=100, rows=1234, rejected=2, force=True)
    progress.finish()

    output = stream.getvalue()
    assert output.startswith("\raddresses")
    assert "[############............]  50%" in output
    assert "1,234 rows" in output
    assert "rows/s" in output
    assert output.rstrip("\n").endswith("2 rejected\033[K")


def test_the_progress_bar_stays_silent_off_a_terminal():
    stream = io.StringIO()  # not a terminal
    from townhall.importers.progress import Progress

    progress = Progress(stream)
    progress.start("addresses")
    progress.update(done=1, total=2, rows=1, rejected=0, force=True)
    progress.finish()
    assert stream.getvalue() == ""
