"""Whole jobs that chain the stages, as a command or a service runs them.

Takes: options as a user gives them.
Gives: `compile` (consolidate a county, then write summary.xlsx, summary.json and the
county report through nianbao.render) and `demo` (the whole county workflow on the
shipped samples).

Imports nianbao.render, nianbao.county and the stages below them.
"""
