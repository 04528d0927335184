"""Load, validate and cache the knowledge base: the only file I/O of `knowledge/`.

The YAML files are validated with pydantic against `schema.py` and every cross-reference
is checked. Validation costs more than the rest of a command together, so the validated
`Knowledge` is kept in memory and pickled under the data directory, keyed by a digest of
the files' bytes, the package version and the schema's and loader's source: an edited file is
validated again, and a damaged cache is ignored and rewritten.

Texts name services through placeholders such as `{emergency_number}`; `load_knowledge`
returns them filled in for one region of `regions.yaml` (the first, by default).
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import re
from collections.abc import Iterable, Iterator
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from glutewake import __version__
from glutewake.knowledge.schema import (
    FIGURE_JOINTS,
    FIGURE_SEGMENTS,
    REGION_PLACEHOLDERS,
    AtLeast,
    Condition,
    Denied,
    Exercise,
    Expr,
    FactCheck,
    Figure,
    Finding,
    Knowledge,
    MotionRule,
    Programme,
    Reference,
    Region,
    SelfTest,
    TriageKnowledge,
    expr_children,
    expr_findings,
)

__all__ = [
    "DATA_DIR",
    "FILES",
    "KnowledgeError",
    "clear_memory_cache",
    "is_cached",
    "load_knowledge",
    "validate",
]

DATA_DIR = Path(__file__).parent / "data"
FILES = (
    "references", "findings", "conditions", "triage", "selftests", "exercises", "programme", "regions", "motion",
)  # fmt: skip
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class KnowledgeError(ValueError):
    """A knowledge file is missing, malformed, or refers to something that does not exist."""


def load_knowledge(
    data_dir: Path | None = None, *, use_cache: bool = True, region: str | None = None
) -> Knowledge:
    """The validated knowledge base for `region` (default: the first in regions.yaml), cached
    in memory, and on disk when `use_cache`. An unknown region raises `KnowledgeError`."""
    return _regional(data_dir or DATA_DIR, use_cache, region)


def clear_memory_cache() -> None:
    """Forget what this process has loaded (the next load reads the disk cache or the files)."""
    _load.cache_clear()
    _regional.cache_clear()


@functools.cache
def _regional(data_dir: Path, use_cache: bool, region: str | None) -> Knowledge:
    raw = _load(data_dir, use_cache)
    chosen = raw.regions.get(region or next(iter(raw.regions)))
    if chosen is None:
        known = ", ".join(raw.regions)
        raise KnowledgeError(f"unknown region {region!r}; choose one of {known}")
    values = {name: getattr(chosen, name) for name in REGION_PLACEHOLDERS}
    filled: Knowledge = _fill(raw, values)
    return replace(filled, region=chosen.id)


def _fill(value: Any, values: dict[str, str]) -> Any:
    """`value` with every region placeholder in its strings replaced, rebuilding only what changes."""
    if isinstance(value, str):
        return (
            _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), value) if "{" in value else value
        )
    if isinstance(value, tuple):
        items = tuple(_fill(item, values) for item in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for spec in fields(value):
            old = getattr(value, spec.name)
            new = _fill(old, values)
            if new is not old:
                changed[spec.name] = new
        if not changed:
            return value
        rebuilt = object.__new__(type(value))
        for spec in fields(value):
            object.__setattr__(rebuilt, spec.name, changed.get(spec.name, getattr(value, spec.name)))
        return rebuilt
    return value


def is_cached(data_dir: Path | None = None) -> bool:
    """Whether loading will come from the disk cache (no YAML parsing, no pydantic)."""
    raw_files = {name: _read_bytes((data_dir or DATA_DIR) / f"{name}.yaml") for name in FILES}
    digest = _digest(raw_files)
    return _read_cache(_cache_path(digest), digest) is not None


@functools.cache
def _load(data_dir: Path, use_cache: bool) -> Knowledge:
    raw_files = {name: _read_bytes(data_dir / f"{name}.yaml") for name in FILES}
    digest = _digest(raw_files)
    cache_file = _cache_path(digest) if use_cache else None
    if cache_file is not None:
        cached = _read_cache(cache_file, digest)
        if cached is not None:
            return cached
    knowledge = validate({name: _parse_yaml(name, text) for name, text in raw_files.items()}, digest)
    if cache_file is not None:
        _write_cache(cache_file, knowledge)
    return knowledge


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise KnowledgeError(f"cannot read knowledge file {path}: {error.strerror}") from error


def _digest(raw_files: dict[str, bytes]) -> str:
    hasher = hashlib.blake2b(__version__.encode(), digest_size=16)
    # What the files are validated into, and how: a change there makes a new knowledge base too.
    for module in (Path(__file__), Path(__file__).with_name("schema.py")):
        hasher.update(module.read_bytes())
    for name, data in raw_files.items():
        hasher.update(name.encode() + b"\0" + data + b"\0")
    return hasher.hexdigest()


def _parse_yaml(name: str, data: bytes) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(data, Loader=loader)
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{name}.yaml is not valid YAML: {error}") from error


def _cache_path(digest: str) -> Path:
    from glutewake.config import home_dir

    return home_dir() / "cache" / f"knowledge-{digest}.pickle"


def _read_cache(path: Path, digest: str) -> Knowledge | None:
    try:
        with path.open("rb") as handle:
            cached = pickle.load(handle)
    except Exception:
        return None
    if isinstance(cached, Knowledge) and cached.digest == digest:
        return cached
    return None


def _write_cache(path: Path, knowledge: Knowledge) -> None:
    from glutewake.privatefile import write_private

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob("knowledge-*.pickle"):
            stale.unlink(missing_ok=True)
        write_private(path, pickle.dumps(knowledge, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only data directory costs speed, not correctness


def validate(documents: dict[str, Any], digest: str = "") -> Knowledge:
    """Build a `Knowledge` from parsed YAML documents, or raise `KnowledgeError`."""
    from pydantic import TypeAdapter, ValidationError

    def parse(name: str, shape: Any) -> Any:
        try:
            return TypeAdapter(shape).validate_python(documents.get(name))
        except ValidationError as error:
            raise KnowledgeError(_describe(name, documents.get(name), error)) from error

    references = _by_id("references", parse("references", list[Reference]))
    findings = _by_id("findings", parse("findings", list[Finding]))
    conditions = _by_id("conditions", parse("conditions", list[Condition]))
    triage: TriageKnowledge = parse("triage", TriageKnowledge)
    selftests = _by_id("selftests", parse("selftests", list[SelfTest]))
    exercises = _by_id("exercises", parse("exercises", list[Exercise]))
    programme: Programme = parse("programme", Programme)
    regions = _by_id("regions", parse("regions", list[Region]))
    motion: dict[str, MotionRule] = {}
    for rule in parse("motion", list[MotionRule]):
        if rule.exercise in motion:
            raise KnowledgeError(f"motion.yaml: exercise {rule.exercise!r} has more than one rule")
        tempo = exercises[rule.exercise].tempo if rule.exercise in exercises else None
        if tempo is not None and rule.tempo_seconds is None:
            rule = replace(rule, tempo_seconds=tempo.lift_seconds + tempo.hold_seconds + tempo.lower_seconds)
        motion[rule.exercise] = rule
    knowledge = Knowledge(
        references, findings, conditions, triage, selftests, exercises, programme, regions, "", digest, motion
    )
    problems = [*placeholder_problems(documents), *_cross_reference_problems(knowledge)]
    if problems:
        raise KnowledgeError("the knowledge base is inconsistent:\n  " + "\n  ".join(problems))
    return knowledge


def _describe(name: str, document: Any, error: Any) -> str:
    lines = [f"{name}.yaml does not match its schema:"]
    lines += [f"  {_where(document, problem['loc'])}: {problem['msg']}" for problem in error.errors()[:8]]
    return "\n".join(lines)


def _where(document: Any, location: tuple[Any, ...]) -> str:
    """A path into the document that names list items by their id: rules[fever].cause."""
    path, node = "", document
    for part in location:
        if isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            ident = node.get("id") if isinstance(node, dict) else None
            path += f"[{ident or part}]"
        else:
            node = node.get(part) if isinstance(node, dict) else None
            path += f".{part}"
    return path.lstrip(".") or "(top level)"


def _by_id(name: str, items: list[Any]) -> dict[str, Any]:
    by_id: dict[str, Any] = {}
    for item in items:
        if item.id in by_id:
            raise KnowledgeError(f"{name}.yaml: id {item.id!r} appears more than once")
        by_id[item.id] = item
    return by_id


def _denies(expr: Expr) -> bool:
    return isinstance(expr, Denied) or any(_denies(child) for child in expr_children(expr))


def _fact_problems(expr: Expr) -> Iterator[str]:
    if isinstance(expr, FactCheck) and (expr.lt is None) == (expr.ge is None):
        yield f"fact test on {expr.fact} needs exactly one of lt or ge"
    if isinstance(expr, AtLeast) and not 1 <= expr.at_least <= len(expr.of):
        yield f"at_least {expr.at_least} of {len(expr.of)} items can never be met"
    for child in expr_children(expr):
        yield from _fact_problems(child)


def _missing(kind: str, ids: Iterable[str], known: dict[str, Any], where: str) -> Iterator[str]:
    for ref in ids:
        if ref not in known:
            yield f"{where}: unknown {kind} {ref!r}"


def _figure_problems(figure: Figure) -> Iterator[str]:
    """A figure needs two poses or more, exactly one key pose, and names only real joints."""
    if len(figure.poses) < 2:
        yield "needs at least two poses"
    keys = sum(pose.key for pose in figure.poses)
    if keys != 1:
        yield f"needs exactly one key pose, not {keys}"
    elif figure.poses[0].key:
        yield "the first pose is where the movement starts; the key pose must come later"
    joints = dict.fromkeys(FIGURE_JOINTS)
    yield from _missing("joint", [figure.anchor], joints, "anchor")
    for pose in figure.poses:
        yield from _missing("joint", pose.touching, joints, f"pose {pose.label!r} touching")
    for prop in figure.props:
        yield from _missing("joint", [prop.at, *([prop.to] if prop.to else [])], joints, f"{prop.kind}")
        if (prop.kind == "band") != (prop.to is not None):
            yield f"{prop.kind}: a band, and only a band, needs `to`"
    for segment, factor in figure.foreshorten.items():
        if segment not in FIGURE_SEGMENTS:
            yield f"foreshorten: unknown segment {segment!r}"
        elif not 0.2 <= factor <= 1:
            yield f"foreshorten: {segment} must be between 0.2 and 1, not {factor}"


def _screen_problems(kb: Knowledge) -> Iterator[str]:
    on_screen: dict[str, str] = {}
    for screen in kb.triage.screens:
        where = f"screen {screen.id}"
        yield from _missing("finding", screen.findings, kb.findings, where)
        for finding_id in screen.findings:
            if finding_id in on_screen:
                yield f"{where}: finding {finding_id!r} is already on screen {on_screen[finding_id]}"
            on_screen[finding_id] = screen.id
    if not kb.regions:
        yield "regions.yaml must list at least one region"


def placeholder_problems(documents: dict[str, Any]) -> Iterator[str]:
    """Placeholders in the texts that name services must be the region's, spelt exactly."""
    for name in ("findings", "conditions", "triage"):
        for text in _strings(documents.get(name)):
            for found in _PLACEHOLDER.findall(text):
                if found not in REGION_PLACEHOLDERS:
                    yield f"{name}.yaml: unknown placeholder {{{found}}} in {text[:60]!r}"


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from _strings(item)


def _cross_reference_problems(kb: Knowledge) -> Iterator[str]:
    refs, findings, conditions = kb.references, kb.findings, kb.conditions
    for finding in findings.values():
        yield from _missing("reference", finding.references, refs, f"finding {finding.id}")
        if finding.asked_if is not None:
            yield from _missing("finding", expr_findings(finding.asked_if), findings, f"finding {finding.id}")
    for condition in conditions.values():
        where = f"condition {condition.id}"
        yield from _missing("finding", condition.typical_findings, findings, where)
        yield from _missing("reference", condition.references, refs, where)
    levels = [level.id for level in kb.triage.levels]
    if sorted(levels) != sorted(("self_care", "gp", "urgent", "emergency")):
        yield f"triage levels must be self_care, gp, urgent and emergency once each, not {levels}"
    contraindications = {c.id: c for c in kb.triage.contraindications}
    yield from _screen_problems(kb)
    rule_ids: set[str] = set()
    caused: set[str] = set()
    for rule in kb.triage.rules:
        where = f"rule {rule.id}"
        if rule.id in rule_ids:
            yield f"{where}: id appears more than once"
        rule_ids.add(rule.id)
        yield from _missing("finding", expr_findings(rule.when), findings, where)
        yield from _missing("reference", rule.references, refs, where)
        yield from (f"{where}: {problem}" for problem in _fact_problems(rule.when))
        if rule.cause is not None:
            caused.add(rule.cause.id)
            yield from _missing("condition", [rule.cause.id], conditions, where)
        if rule.urgency is None and rule.cause is None and rule.exercise is None and not rule.avoid:
            yield f"{where}: changes nothing (give it an urgency, a cause, an exercise level or an avoid)"
        yield from _missing("contraindication", rule.avoid, contraindications, where)
        if _denies(rule.when) and not rule.red_flag:
            yield f"{where}: tests a 'no' answer, so it must be a red-flag rule"
    for exclusion in kb.triage.exclusions:
        where = f"exclusion {exclusion.id}"
        yield from _missing("condition", [exclusion.cause], conditions, where)
        yield from _missing("finding", expr_findings(exclusion.when), findings, where)
    for condition_id in conditions.keys() - caused:
        yield f"condition {condition_id}: no triage rule can ever point to it"
    for test in kb.selftests.values():
        where = f"self-test {test.id}"
        yield from _missing("reference", test.references, refs, where)
        yield from _missing("finding", (i.finding for i in test.items if i.finding), findings, where)
    for motion in kb.motion.values():
        yield from _missing("exercise", (motion.exercise,), kb.exercises, "motion.yaml")
    for exercise in kb.exercises.values():
        where = f"exercise {exercise.id}"
        yield from _missing("exercise", exercise.regressions + exercise.progressions, kb.exercises, where)
        yield from _missing(
            "condition or contraindication", exercise.avoid_with, {**conditions, **contraindications}, where
        )
        yield from _missing("reference", exercise.references, refs, where)
        if (exercise.dose.reps is None) == (exercise.dose.hold_seconds is None):
            yield f"{where}: the dose needs exactly one of reps or hold_seconds"
        if (exercise.kind == "desk_move") != (exercise.prompt is not None):
            yield f"{where}: desk moves, and only they, need a prompt"
        yield from (f"{where}: figure: {problem}" for problem in _figure_problems(exercise.figure))
    programme = kb.programme
    pools = [
        *(phase.main for phase in programme.phases),
        programme.gentle_main,
        (programme.warm_up_move,),
        programme.warm_up_activation,
        programme.stretches,
        programme.maintenance,
    ]
    for pool in pools:
        yield from _missing("exercise", pool, kb.exercises, "programme")
    if sorted(programme.kits) != ["band", "dumbbells", "gym", "none"]:
        yield "programme: kits must cover none, band, dumbbells and gym"
    if [phase.from_day for phase in programme.phases][:1] != [0]:
        yield "programme: the first phase must start on day 0"
