"""Rules over a report document → findings, and what shows them.

Takes: a file (via nianbao.intake) or a report document.
Gives: `run.check_file` / `run.check_document` → one CheckResult (status, findings,
document); `rules` evaluates the spec's sum and balance rules; `annotate` writes the
annotated copy sent back to a department; `terminal` prints results in the console.

Imports nianbao.intake and nianbao.format.
"""
