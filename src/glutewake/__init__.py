"""glutewake: wake up glutes that sitting has switched off.

Triage of buttock numbness and pain (red flags first), guided glute self-tests, an
exercise knowledge base and, in later releases, a programme, a sitting coach and progress.
It informs; it does not diagnose.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
