"""Contact point normalization: one spelling per address, Invalid for everything else."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionline.errors import Invalid
from unionline.members import normalize

RU_SPELLINGS = [
    "8 (999) 123-45-67",
    "+7 999 1234567",
    "9991234567",
    "8-999-123-45-67",
    "7 999 123 45 67",
    "+7 (999) 123 45 67",
    "89991234567",
    "  +79991234567 ",
]


@pytest.mark.parametrize("spelling", RU_SPELLINGS)
def test_russian_phone_spellings_are_one_number(spelling: str) -> None:
    assert normalize.phone(spelling) == "+79991234567"


@pytest.mark.parametrize(
    ("kind", "address", "expected"),
    [
        ("email", "  Ivan.Petrov@Mail.RU ", "Ivan.Petrov@mail.ru"),
        ("telegram", " 0012345 ", "12345"),
        ("vk", "987654321", "987654321"),
        ("web", "v_3f2a-9c:1", "v_3f2a-9c:1"),
        ("phone", "+44 20 7946 0958", "+442079460958"),
    ],
)
def test_other_kinds(kind: str, address: str, expected: str) -> None:
    assert normalize.contact(kind, address) == expected


@pytest.mark.parametrize(
    ("kind", "address"),
    [
        ("phone", "12345"),
        ("phone", "+7 999 123"),
        ("phone", "not a phone"),
        ("email", "no-at-sign"),
        ("email", "two@@signs"),
        ("email", "a b@c.ru"),
        ("email", "@c.ru"),
        ("telegram", "abc"),
        ("telegram", "0"),
        ("vk", "-5"),
        ("web", "with space"),
        ("web", "x" * 129),
        ("fax", "123"),
    ],
)
def test_invalid_addresses_name_the_field(kind: str, address: str) -> None:
    with pytest.raises(Invalid) as caught:
        normalize.contact(kind, address, field="contacts[0].address")
    assert caught.value.field == ("kind" if kind == "fax" else "contacts[0].address")


@given(st.one_of(st.sampled_from(normalize.KINDS), st.text(max_size=20)))
def test_contact_kind_is_one_of_the_kinds_or_invalid_naming_the_field(text: str) -> None:
    if text in normalize.KINDS:
        assert normalize.contact_kind(text) == text
        return
    with pytest.raises(Invalid) as caught:
        normalize.contact_kind(text)
    assert caught.value.field == "kind"


def test_a_kind_address_pair_with_an_unknown_kind_is_refused_as_normalize_refuses_it() -> None:
    from unionline.members.records import as_contact

    with pytest.raises(Invalid) as paired:
        as_contact(("fax", "123"))
    with pytest.raises(Invalid) as direct:
        normalize.contact("fax", "123", field="contacts[0].address")
    assert (paired.value.field, str(paired.value)) == (direct.value.field, str(direct.value))
    assert as_contact(("email", "a@b.ru")).kind == "email"


def test_search_key_folds_case_and_yo() -> None:
    assert normalize.search_key("  Артём   ИВАНОВ ") == "артем иванов"
    assert normalize.search_key("Ёлкин") == normalize.search_key("елкин")


# -- invariants ------------------------------------------------------------------------------

kinds = st.sampled_from(normalize.KINDS)


@given(kinds, st.text(max_size=60))
def test_arbitrary_text_raises_nothing_but_invalid(kind: str, text: str) -> None:
    with contextlib.suppress(Invalid):  # any other exception fails the test
        normalize.contact(kind, text)


@given(kinds, st.text(max_size=60))
def test_normalization_is_idempotent(kind: str, text: str) -> None:
    try:
        once = normalize.contact(kind, text)
    except Invalid:
        return
    assert normalize.contact(kind, once) == once


@st.composite
def formatted_ru_mobile(draw: st.DrawFn) -> tuple[str, str]:
    """A valid Russian mobile number and some way people write it."""
    digits = "9" + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9)))
    prefix = draw(st.sampled_from(["+7", "8", "7", "", "+7 ", "8 "]))
    groups = [digits[:3], digits[3:6], digits[6:8], digits[8:]]
    sep = draw(st.sampled_from(["", " ", "-"]))
    area = f"({groups[0]})" if draw(st.booleans()) else groups[0]
    text = prefix + draw(st.sampled_from(["", " "])) + area + sep + sep.join(groups[1:])
    return text, "+7" + digits


@given(formatted_ru_mobile())
def test_any_formatting_of_a_ru_mobile_is_one_number(case: tuple[str, str]) -> None:
    text, expected = case
    import phonenumbers

    if not phonenumbers.is_valid_number(phonenumbers.parse(expected)):
        return  # not every 9xx block is allocated; only valid numbers must agree
    assert normalize.phone(text) == expected


@given(st.text(max_size=40), st.text(max_size=40))
def test_email_domain_lower_local_kept(local: str, domain: str) -> None:
    try:
        result = normalize.email(f"{local}@{domain}")
    except Invalid:
        return
    got_local, got_domain = result.split("@")
    assert got_local == local.strip()
    assert got_domain == got_domain.lower()


def _parsed_by_phonenumbers(text: str) -> str | None:
    import phonenumbers

    try:
        number = phonenumbers.parse(text, "RU")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@given(
    st.text(alphabet="0123456789 -()+", min_size=7, max_size=22)
    | st.builds(
        lambda p, d: p + d,
        st.sampled_from(["", "+7", "8", "7", "+7 (", "8 ("]),
        st.text(alphabet="0123456789", min_size=10, max_size=10),
    )
)
def test_quick_russian_path_agrees_with_the_full_parser(text: str) -> None:
    """The import fast path for Russian spellings gives what phonenumbers gives."""
    try:
        ours: str | None = normalize.phone(text)
    except Invalid:
        ours = None
    assert ours == _parsed_by_phonenumbers(text.strip())
