"""Read published annual reports (PDF, HTML, Word, text) into report documents, and audit them.

Takes: a published report file — a PDF with a text layer, a saved web page or fragment, a
Word .docx, or a crawler's text dump — and the format specs (nianbao.format).
Gives: `import_file` → an Imported (the report document with every cell's state and
provenance, the findings made while reading, and each stage's value for --debug);
`audit_paths` → one AuditResult per file (check's rules on the printed figures, cross-year
rules between reports of the same agency, the narrative against the tables).

Stages, each a value a test or `import --debug` can print:
  read (pdf.py | html.py (+ visible.py: what a browser shows) | docx.py | text.py → model.RawDocument)
  → locate (locate.py: sections by their headings, tables by their own labels, the heading one clue)
  → map    (mapping.py: data lines → rows by one monotone alignment of labels; a sentence is never a row)
  → cells  (values.py + cells.py: printed text → number | blank | unreadable, with the reason)
  → solve  (split.py + solve.py: run-together digits decided by the report's identities, its narrative
            and last year's report; a printed error is left as printed for audit to report)
  and title.py: the title, agency and year, never page chrome.

Sits above check (audit runs check's rules) and below county (compile --previous imports
published reports); the importer itself needs only nianbao.format.
"""

from .importer import Imported, ImportError_, import_file

__all__ = ["ImportError_", "Imported", "import_file"]
