"""The verification codes: long enough, readable, and stored only as a digest."""

import hashlib

from townhall.documents.codes import (
    ALPHABET,
    code_digest,
    code_new,
    code_normalise,
    code_shown,
    code_wellformed,
)


def test_a_new_code_is_seven_groups_of_four_with_140_random_bits():
    code = code_new()
    groups = code.split("-")
    assert [len(group) for group in groups] == [4] * 7
    assert all(char in ALPHABET for char in "".join(groups))
    # 28 characters of 5 bits each.
    assert len(ALPHABET) == 32
    assert code_wellformed(code)


def test_codes_do_not_repeat():
    codes = {code_new() for _ in range(2000)}
    assert len(codes) == 2000


def test_what_people_type_reads_as_the_code():
    code = code_new()
    normal = code_normalise(code)
    typed = " ".join(code.lower().split("-"))
    assert code_normalise(typed) == normal
    assert code_digest(typed) == code_digest(code)
    # O for zero and I, L for one: the alphabet has none of them.
    assert code_normalise("o1il-") == "0111"


def test_the_digest_is_the_sha256_of_the_normalised_code():
    code = code_new()
    assert code_digest(code) == hashlib.sha256(code_normalise(code).encode()).hexdigest()
    assert len(code_digest(code)) == 64
    assert code_shown(code_normalise(code)) == code


def test_a_code_that_cannot_be_ours_is_not_wellformed():
    code = code_normalise(code_new())
    assert not code_wellformed(code[:-1])
    assert not code_wellformed(code + "A")
    assert not code_wellformed(code[:-1] + "U")
    assert not code_wellformed(code[:-1] + "*")
    assert not code_wellformed("")
    # A digest is still computed for anything (the page looks it up, and finds nothing).
    assert len(code_digest("<script>")) == 64
