"""README's safety notice says what the knowledge base says: every sign that alone means an emergency."""

from __future__ import annotations

from pathlib import Path

from glutewake.core.triage import emergency_signs
from glutewake.knowledge import Knowledge

README = Path(__file__).parents[1] / "README.md"


def safety_notice() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## Safety notice") : text.index("\n## ", text.index("## Safety notice") + 1)]


def test_the_readme_lists_every_emergency_sign_of_the_knowledge_base(kb: Knowledge) -> None:
    notice = safety_notice()
    assert f"**{kb.level('emergency').if_you_get}**" in notice
    listed = [line[2:] for line in notice.splitlines() if line.startswith("- ")]
    assert listed == [finding.label_yes for finding in emergency_signs(kb)]
