"""The console's one way of saying a refusal at its input (admin-forms.showError), in Chromium:
a field path msgspec writes for a dictionary's value (``pay_codes[...]``) or key, and a path
naming no input, end at the nearest input or the form's own slot — the walk up the path once
never ended on ``[...]`` and hung the page."""

from __future__ import annotations

import asyncio

import pytest
from conftest import Login
from console_support import Site, console_module

SHOW = """(() => {{
  const form = document.createElement("form");
  const wrap = m.field("pay_codes", "Коды", document.createElement("input"));
  form.append(wrap);
  document.body.append(form);
  m.showError(form, {{ code: "validation_error", field: {field} }}, "сказано");
  const said = [...form.querySelectorAll(".field-error, .form-error")].map((x) => x.textContent);
  form.remove();
  return said;
}})()"""


@pytest.mark.parametrize(
    ("field", "said"),
    [
        ("pay_codes[...]", ["сказано"]),
        ("pay_codes.worked", ["сказано"]),
        ("values.pay_codes[2][...]", ["сказано"]),
        ("other[...]", ["", "сказано"]),
        ("key", ["", "сказано"]),
    ],
)
async def test_a_refusal_is_said_at_the_nearest_input(
    site: Site, login: Login, field: str, said: list[str]
) -> None:
    page = await login(site.a)
    show = SHOW.format(field=repr(field))
    got = await asyncio.wait_for(console_module(page, "admin-forms", show), timeout=20)
    assert got == said
