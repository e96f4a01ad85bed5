"""Spec + layout → the locked Excel template a department fills in.

Takes: a Format, a year and an agency (and optionally a report document to pre-fill).
Gives: the workbook bytes — `write.write_template` is the entry point; it stamps the
agency into a cached base workbook (`stamp`) when it can, else builds it directly
(`workbook`, with `sheets` for the cover, narrative and table sheets, `checks` for the
live 校验 sheet and `style` for fonts, sizes and page set-up).

Imports only nianbao.format (and the shared findings/paths).
"""
