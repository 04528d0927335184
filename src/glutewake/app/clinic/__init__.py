"""The clinic server's use cases: setting up a clinic, inviting staff and patients, signing in.

They act on the clinic's accounts (`store.clinic`) and send email through an `Outbox` port
(the task queue in `runtime/jobs.py`; a list in tests of this layer). A patient's own records
are acted on with the same use cases as the personal app's, through their `Context`.
"""
