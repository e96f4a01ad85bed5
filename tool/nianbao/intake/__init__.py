"""A received file → a report document, with where every value came from.

Takes: a file as a department sent it (any bytes, any name).
Gives: `safety` screens it (size, type, zip bombs, encryption, macros) using `sniff` to
name what it really is; `xlsx_raw` reads the workbook's XML parts (through `xmlparse`,
expat with any DTD refused); `sheet_layout` checks each statutory sheet against its layout and
names what a clerk could not see; `normalise` turns what
a cell holds into a number or a finding; `read.read_workbook` assembles the report
document, its identity and its provenance.

Imports only nianbao.format (and the shared findings/paths).
"""
