"""The statutory format as data — the lowest stage; every other stage reads it.

Takes: a format spec (templates/formats/<id>.yaml, one per statutory format version).
Gives: `spec` (the loaded, validated Format), `layout` (where every cell key sits in the
workbook and its grids), `schema` (the JSON Schema of a report document), `document`
(report documents: new, derived totals, numbers, agency levels), `figures` (the headline
numbers of a report), and `identity` (the metadata a template carries: format, year,
agency, fingerprint, HMAC), which both the template writer and the intake reader use.

Imports only nianbao.findings and nianbao.paths.
"""
