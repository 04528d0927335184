"""The pure core of glutewake: domain logic with no I/O, clock, environment or database.

Every function here takes what it needs (the knowledge base, the answers, the time) as
arguments and returns values; the application layer (`app/`) and the interfaces do the rest.
"""
