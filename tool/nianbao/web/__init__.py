"""The web intake service (`nianbao serve`): each agency uploads at its private link and sees its
findings at once; the county office sees who has reported, reviews, compiles and reminds.

Takes: the intake store (county/store.py: files/ + receipts.jsonl, which stay the truth), the
roster, the report year; HTTP requests from departments (a private link each) and the office
(a login). Gives: an ASGI app (app.py) whose uploads are checked by check.run.check_file and kept
through county.store.Store exactly as `collect` keeps them; an SQLite database beside the store
for what a service needs (links, sessions, reviews, an audit log, an index of submissions that
can be rebuilt from the store); links (links.py) and reminder e-mails (reminders.py).

Stage: above workflow, below cli. It never imports cli.
"""
