"""glutewake's knowledge base: conditions, triage questions and rules, self-tests, exercises."""

from glutewake.knowledge.loader import KnowledgeError, load_knowledge
from glutewake.knowledge.schema import Knowledge

__all__ = ["Knowledge", "KnowledgeError", "load_knowledge"]
