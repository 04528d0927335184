"""glutewake's knowledge base: conditions, triage questions and rules, self-tests, exercises.

The loader and the schema are imported on first use, so that reading only the small fixed
vocabularies (`glutewake.knowledge.vocabulary`, which menus and options use) costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glutewake.knowledge.loader import KnowledgeError, load_knowledge
    from glutewake.knowledge.schema import Knowledge

__all__ = ["Knowledge", "KnowledgeError", "load_knowledge"]


def __getattr__(name: str) -> Any:
    if name in ("KnowledgeError", "load_knowledge"):
        from glutewake.knowledge import loader

        return getattr(loader, name)
    if name == "Knowledge":
        from glutewake.knowledge.schema import Knowledge

        return Knowledge
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
