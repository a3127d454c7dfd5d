"""HTML past the bounds nh3 is quadratic beyond is cut back before it is sanitized; ordinary
mail is passed on as it is, and the text always reads the same (issue #12 item 3). Speed is
measured in ``benchmarks/adversarial_input.py``."""

from __future__ import annotations

from unionline.channels.mail import htmlbounds, htmltext
from unionline.channels.mail.parse import parse

ORDINARY = "<table><tr><td><p>Здравствуйте, <b>коллеги</b> &amp; друзья!</p></td></tr></table>"


def html_mail(html: str) -> bytes:
    head = (
        "From: Иван <ivan@example.test>\r\nTo: union@example.test\r\nSubject: x\r\n"
        "Message-ID: <h@example.test>\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return (head + html).encode()


def test_ordinary_html_is_passed_on_as_it_is():
    html = ORDINARY * 120
    assert html.count("<") > htmlbounds.CHECK_FROM  # past the check: looked at, untouched
    bounded = htmlbounds.bound(html)
    assert bounded.html == html and bounded.notes == []
    assert htmlbounds.bound(ORDINARY).html == ORDINARY


def test_elements_nested_past_the_bound_lose_their_tags_not_their_text():
    deep = htmlbounds.MAX_DEPTH + 500
    html = "<div>слово " * deep + "</div>" * deep
    bounded = htmlbounds.bound(html)
    assert bounded.html.count("<div>") == htmlbounds.MAX_DEPTH
    assert bounded.notes == [f"HTML: 500 tags nested deeper than {htmlbounds.MAX_DEPTH} dropped"]
    assert htmltext.to_text(html).split() == ["слово"] * deep
    parsed = parse(html_mail(html))
    assert parsed.text.split() == ["слово"] * deep
    assert parsed.error is not None and "nested deeper" in parsed.error


def test_closed_and_self_closing_elements_do_not_count_as_depth():
    html = ("<div><p>a<br><li>b</div>" * 2000) + "<div>" * 10
    bounded = htmlbounds.bound(html)
    assert bounded.html == html and bounded.notes == []


def test_a_long_run_of_character_references_reads_the_same():
    html = "<p>" + "&amp;x" * 3000 + "</p>"
    bounded = htmlbounds.bound(html)
    assert bounded.html != html and bounded.notes == []  # split by empty comments only
    assert htmltext.to_text(html) == "&x" * 3000
    assert htmltext.sanitize(html) == htmltext.sanitize(html.replace("&amp;x", "&amp;y")).replace(
        "y", "x"
    )
    assert "<!--" not in htmltext.sanitize(html)


def test_tags_with_too_many_references_or_attributes_are_dropped_with_a_note():
    refs = '<a title="' + "&x" * (htmlbounds.MAX_REFERENCES + 1) + '">ссылка</a>'
    many = "<a " + " ".join(f"a{i}=1" for i in range(htmlbounds.MAX_ATTRIBUTES + 1)) + ">ещё</a>"
    html = refs + many + "<br>" * htmlbounds.CHECK_FROM
    parsed = parse(html_mail(html))
    assert parsed.text.split() == ["ссылкаещё"]  # the text of both links is kept
    assert parsed.error is not None
    assert f"more than {htmlbounds.MAX_REFERENCES} character references" in parsed.error
    assert f"more than {htmlbounds.MAX_ATTRIBUTES} attributes" in parsed.error
