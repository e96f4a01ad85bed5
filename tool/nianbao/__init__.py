"""nianbao (年报): the yearly statutory report on open government information, end to end.

The package is one sub-package per stage; data flows one way and a stage imports only the
stages above it in this list:

    findings, paths, parallel   shared vocabulary: a finding, where shipped files are, N processes
    format/      the statutory format as data (spec, layout, schema, document, identity)
    template/    format → the locked workbook a department fills in
    intake/      a received file → a report document (screening, XML reader, normalising)
    check/       a report document → findings (rules, annotated copy, terminal output)
    county/      roster, intake store, consolidation, previous year, summary.json
    render/      documents and summaries → .docx / .html / .md / summary workbook
    workflow/    whole jobs: compile, demo
    cli/         the command line, one module per command
"""

__version__ = "0.1.0"
# Bump when the workbook layout or metadata changes (2026.2: the MAC signs all identity; 2026.3: 正文's
# 参考表述 formulas, and last year's figures stamped by `template --previous`). Every earlier version
# reads as before: the cells the reader uses have not moved.
TEMPLATE_VERSION = "2026.3"
