"""Read published annual reports (PDF, HTML, Word, text) into report documents, and audit them.

Takes: a published report file — a PDF with a text layer, a saved web page or fragment, a
Word .docx, or a crawler's text dump — and the format specs (nianbao.format).
Gives: `import_file` → an Imported (the report document with every cell's state and
provenance, the findings made while reading, and each stage's value for --debug);
`audit_paths` → one AuditResult per file (check's rules on the printed figures, cross-year
rules between reports of the same agency, the narrative against the tables).

Stages, each a value a test or `import --debug` can print:
  read (pdf.py | html.py | docx.py | text.py → model.RawDocument: lines of items)
  → locate (locate.py: sections and table regions by the spec's headings)
  → cells  (cells.py: printed text → number | blank | unreadable; split.py for run-together text)
  → map    (mapping.py: data lines → rows → cell keys, by the spec's labels).

Sits above check (audit runs check's rules) and below county (compile --previous imports
published reports); the importer itself needs only nianbao.format.
"""

from .importer import Imported, ImportError_, import_file

__all__ = ["ImportError_", "Imported", "import_file"]
