"""The county's work: who must report, what was received, and the county total.

Takes: a roster CSV, files collected into the store (or an inbox folder), checked results.
Gives: `roster` (the agencies that must report), `store` (the content-addressed,
append-only intake store with receipts, safe for concurrent writers), `receipts` (the log's
lines, read however damaged), `inbox` (what to collect, links never followed),
`store_verify` (re-hash and compare a store with its log), `trust` (issuer signatures,
roster names and copied figures), `consolidate` (each agency's status and the county's
summed report), `previous` (last year's figures for the cross-year rules), `summary`
(summary.json).

Imports nianbao.check, nianbao.intake and nianbao.format.
"""
