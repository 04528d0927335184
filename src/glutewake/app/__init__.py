"""The application layer: the use cases both interfaces call, one module per area.

checks (the symptom check), selftests, plans, sessions, journal (check-ins and progress),
coach (its settings and record), records (history), transfer (export, import), library
(finding exercises), region (the user's region and the knowledge in its words), refusals
(typed reasons to say no), context (opening the owner's records).

The CLI and the web parse, call one of these, and render; nothing else calls them. The
store and the self-tests load only when used, so a command that needs neither starts fast.
"""
