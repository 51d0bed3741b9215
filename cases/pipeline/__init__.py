"""The worker's part of intake (docs/architecture.md, "A report: the request and the worker").

The web form and the Open311 API store what the citizen is owed at once — the case, the
reporter's identity, the "received" event, the receipt with the access code, the photos as
received — together with a durable job: ``Case.intake_job`` and each photo's "pending" state,
written in the same transaction. After the commit one task (cases.tasks.finish_intake) sends
the receipt, starts the clocks, routes the case and makes the photos' copies; a schedule
(cases.tasks.finish_pending_intake) redoes whatever a lost task or a killed worker left, so
the broker never holds the only record of the work.
"""
