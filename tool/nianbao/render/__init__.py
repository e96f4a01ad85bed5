"""Publishable reports: a report document drawn as .docx, .html or .md in the official layout.

Takes: a report document and its Format (or a county Compilation, for the summary workbook).
Gives: `render_document` writes .docx / .html / .md; report_text builds what the report
says (title, opening with the public contact, sections, statutory tables, signature) and
docx, html and markdown only draw it. `summary_xlsx` writes the county summary workbook of
a finished compilation, set up to print as a document (xlsx_print).

Imports nianbao.county (the Compilation it draws), nianbao.template and nianbao.format.
"""

from __future__ import annotations

from pathlib import Path

from nianbao.format.spec import Format

from .contact import Contact, ContactError, parse_contact
from .report_text import TitleTemplateError, build_view, draft_reason, with_missing_marked

FORMATS = ("docx", "html", "md")

__all__ = ["FORMATS", "Contact", "ContactError", "TitleTemplateError", "parse_contact", "render_document"]


def render_document(doc: dict, fmt: Format, to: str, path: str | Path, *, draft: bool = False,
                    title_template: str | None = None, draft_mark: str | None = None,
                    draft_note: str | None = None, contact: Contact | None = None) -> Path:
    """Write the report document `doc` (of format `fmt`) as `to` (docx | html | md) to `path`.

    draft marks every page as 草稿（未通过校验）: use it when rendering a report that has
    error findings (the CLI only does so with --force); where draft_reason() knows why, the
    pages say that instead. title_template may use {agency}
    and {year}; a bad template raises TitleTemplateError. draft_mark / draft_note say why
    a draft is one when it is not for errors (e.g. 草稿（内容待补充）). A report that
    report_text.draft_reason() refuses is always drawn as such a draft, with its reason: tables
    that break a rule (a county's, when reports with errors were counted), a consolidated (county)
    report whose own narrative (一、五、六) is missing — summed tables never make a publishable
    report on their own — and any report whose words contradict its tables. A county draft shows
    【待补充】 where a text section is empty. contact: the public contact the opening paragraph
    closes with (parse_contact makes one from --contact items).
    Returns the path written.
    """
    if to not in FORMATS:
        raise ValueError(f"unknown output form {to!r}; expected one of {FORMATS}")
    reason = None if draft_mark else draft_reason(doc, fmt)  # a caller's own mark stands (compile's)
    if reason is not None:  # a draft asked for (render --force) says why, as every other draft does
        draft, draft_mark, draft_note = True, reason.mark, reason.note
    if draft and "consolidated" in doc:
        doc = with_missing_marked(doc, fmt)
    view = build_view(doc, fmt, draft=draft, title_template=title_template, draft_mark=draft_mark,
                      draft_note=draft_note, contact=contact)
    path = Path(path)
    if to == "docx":
        from .docx import write_docx

        write_docx(view, path)
    elif to == "html":
        from .html import write_html

        write_html(view, path)
    else:
        from .markdown import write_markdown

        write_markdown(view, path)
    return path
