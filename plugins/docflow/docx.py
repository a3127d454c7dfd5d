""".docx templates: lint on upload and render (docxtpl, LGPL-2.1, used unmodified).

The lint reads ``word/document.xml`` (and headers and footers) paragraph by paragraph and
reports, with the paragraph's text, the three classic docxtpl failures before anyone renders:
a field unknown to docflow, a tag Word split across runs (typed in pieces, or with a change of
formatting inside the braces), and a tag never closed (or a ``for`` without ``endfor``)."""

from __future__ import annotations

import functools
import io
import re
import zipfile
from typing import Any

import jinja2
import jinja2.meta
from jinja2 import nodes

from unionline.plugins.docflow.schemas import LintProblem

# What a template may use: roots and their attributes (loops add their own variable).
FIELDS: dict[str, tuple[str, ...]] = {
    "document": (
        "number",
        "date",
        "title",
        "summary",
        "kind",
        "status",
        "priority",
        "control_date",
        "correspondent",
        "requisites",
        "author",
        "stage",
    ),
    "member": ("full_name", "first_name", "card_number", "employer", "position", "status"),
    "organization": ("name", "code"),
    "appeal": ("number", "subject", "status", "created"),
    "operator": ("name",),
    "today": (),
    "steps": (),  # the route's steps: step.stage, step.kind, step.assignee, step.status,
    "items": (),  # step.decided, step.comment; items: rows a process's form passes
}
_PARTS = ("word/document.xml",)
_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
_PARA = re.compile(r"<w:p[ >].*?</w:p>", re.S)
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_ENV = jinja2.Environment(autoescape=False)
MAX_XML = 50 * 1024 * 1024


def _xml_parts(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = [
            n
            for n in archive.namelist()
            if n in _PARTS or re.fullmatch(r"word/(header|footer)\d*\.xml", n)
        ]
        if "word/document.xml" not in names:
            raise zipfile.BadZipFile("no word/document.xml")
        if sum(archive.getinfo(n).file_size for n in names) > MAX_XML:
            raise zipfile.BadZipFile("the document's text is too large")  # a zip bomb
        return {n: archive.read(n).decode("utf-8") for n in names}


def _paragraphs(xml: str) -> list[list[str]]:
    """Each paragraph's run texts (``<w:t>`` contents), in order."""
    return [_TEXT.findall(p) for p in _PARA.findall(xml)]


def lint(content: bytes) -> tuple[list[LintProblem], list[str]]:
    """The problems of a template and the fields it uses (``member.full_name`` …)."""
    try:
        parts = _xml_parts(content)
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
        return [LintProblem(code="not_docx", message="Это не файл .docx (Word 2007 и новее)")], []
    problems: list[LintProblem] = []
    lines: list[str] = []
    for name, xml in parts.items():
        for runs in _paragraphs(xml):
            text = "".join(runs)
            if "{" not in text:
                continue
            lines.append(text)
            problems += _split_tags(runs, text, name)
            problems += _unclosed(text, name)
    source = "\n".join(_plain(line) for line in lines)
    used: list[str] = []
    if not any(p.code == "unclosed_tag" for p in problems):
        found, extra = _fields(source)
        used = found
        problems += extra
    return problems, used


def _plain(line: str) -> str:
    """docxtpl's row/paragraph/cell tags ({%tr …%}) as plain Jinja for parsing."""
    return re.sub(r"\{%\s*(tr|tc|p|r)\s", "{% ", line)


def _split_tags(runs: list[str], text: str, where: str) -> list[LintProblem]:
    problems: list[LintProblem] = []
    bounds, pos = [], 0
    for run in runs:
        pos += len(run)
        bounds.append(pos)
    for match in _TAG.finditer(text):
        start, end = match.span()
        if any(start < b < end for b in bounds[:-1]):
            problems.append(
                LintProblem(
                    code="split_tag",
                    message=(
                        f"Поле «{match.group(0)}» Word разбил на части (разное оформление внутри"
                        " скобок или набор по частям): сотрите его и наберите заново целиком"
                    ),
                    where=f"{where}: {text[:120]}",
                )
            )
    return problems


def _unclosed(text: str, where: str) -> list[LintProblem]:
    rest = _TAG.sub("", text)
    for opener, closer in (("{{", "}}"), ("{%", "%}")):
        if opener in rest or closer in rest:
            return [
                LintProblem(
                    code="unclosed_tag",
                    message=f"Не закрыт тег: «{opener}» без «{closer}» (или наоборот)",
                    where=f"{where}: {text[:120]}",
                )
            ]
    return []


def _fields(source: str) -> tuple[list[str], list[LintProblem]]:
    try:
        tree = _ENV.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return [], [
            LintProblem(
                code="unclosed_tag"
                if "end of template" in (exc.message or "").lower()
                else "syntax",
                message=f"Ошибка в шаблоне: {exc.message} (строка {exc.lineno})",
                where=source.splitlines()[exc.lineno - 1][:120] if exc.lineno else "",
            )
        ]
    problems: list[LintProblem] = []
    for root in sorted(jinja2.meta.find_undeclared_variables(tree)):
        if root not in FIELDS:
            problems.append(_unknown(root))
    used: set[str] = set()
    for attr in tree.find_all(nodes.Getattr):
        if isinstance(attr.node, nodes.Name) and attr.node.name in FIELDS:
            known = FIELDS[attr.node.name]
            name = f"{attr.node.name}.{attr.attr}"
            if known and attr.attr not in known:
                problems.append(_unknown(name))
            used.add(name)
    return sorted(used), problems


def _unknown(name: str) -> LintProblem:
    return LintProblem(
        code="unknown_field",
        message=f"Неизвестное поле «{name}»; доступны: " + ", ".join(sorted(FIELDS)),
        where=name,
    )


class Compiled:
    """A template prepared once — docxtpl's own clean-up of Word's XML (``patch_xml``: tags
    inside braces stripped, ``{%tr %}`` loops moved onto their table rows) and the Jinja
    compilation — then rendered per document by filling the XML and zipping it again. The same
    result as ``DocxTemplate.render`` for text, tables and loops, without python-docx opening
    and saving the package for every document."""

    def __init__(self, content: bytes) -> None:
        from docxtpl import DocxTemplate

        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            self.entries = [(info, archive.read(info.filename)) for info in archive.infolist()]
        self.parts: dict[str, jinja2.Template] = {}
        for info, data in self.entries:
            name = info.filename
            if name in _PARTS or re.fullmatch(r"word/(header|footer)\d*\.xml", name):
                xml = DocxTemplate.patch_xml(None, data.decode("utf-8"))
                xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
                self.parts[name] = _RENDER.from_string(xml)

    def render(self, context: dict[str, Any]) -> bytes:
        from docxtpl import DocxTemplate

        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for info, data in self.entries:
                template = self.parts.get(info.filename)
                if template is not None:
                    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", template.render(context))
                    xml = DocxTemplate.resolve_listing(None, xml)
                    data = xml.encode("utf-8")
                archive.writestr(info.filename, data)
        return out.getvalue()


# Values are escaped for XML («ООО "Рога & копыта"» must not break the document).
_RENDER = jinja2.Environment(autoescape=True)


@functools.lru_cache(maxsize=32)
def compiled(content: bytes) -> Compiled:
    return Compiled(content)


def render(content: bytes, context: dict[str, Any]) -> bytes:
    """The filled document (table loops with ``{%tr for … %}``)."""
    return compiled(content).render(context)
