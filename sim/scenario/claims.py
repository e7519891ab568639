"""The claim file: one article's claim as a paired comparison the model can decide.

A claim file (``scenarios/claims/<name>.yaml``) holds a single ``claim:`` block: the claim's
words and source, a base scenario, the baseline's and the variant's overrides (or a second
scenario file for the variant), and one or more metrics with the direction the claim expects
and the smallest effect that would matter to a planner. ``verdict`` records what the model
said last time, so that ``allysim claims --check`` notices when a finding changes.

Scenario files named by a claim are relative to the claim file and must lie inside the folder
that holds the claims folder (``scenarios/``), so that a claim reads nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from sim.scenario.errors import (
    PathPart,
    Problem,
    ScenarioError,
    SourceMap,
    problems_from_validation,
    read_problem,
)
from sim.scenario.fields import Strict
from sim.scenario.loading import MAX_YAML_BYTES, load_yaml, plain_data, read_text

CLAIMS_DIR = "claims"  # the folder of claim files, inside a folder of scenarios
Direction = Literal["increase", "decrease"]
Verdict = Literal["supported", "contradicted", "inconclusive"]
Article = Literal["000_feb0467f0db10932.txt", "001_1ef7c932b405eb7f.txt", "004_6bdd4abdcfc19a56.txt"]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
SERIES = ("residents", "idps", "refugees_hosted", "refugees_abroad", "returnees", "relocated_in_cum",
          "relocated_out_cum", "resettled_out_cum", "deaths_cum", "integrated")
SHOW_PATTERN = rf"^({'|'.join(SERIES)})(\[[A-Za-z0-9_]{{1,40}}\])?$"


class SourceSpec(Strict):
    """Where the claim is made: an article of the set and the heading of its section."""

    article: Article = Field(description="The article's file name (one of the three articles).")
    section: Text = Field(description="The heading of the section that makes the claim.")


class Expectation(Strict):
    """One metric the claim speaks about, the direction it expects, and the effect that matters."""

    metric: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="A metric of the catalogue (docs/outputs.md, Metrics), e.g. peak_refugees_hosted[FRN].")
    expect: Direction = Field(description="The change the claim predicts from baseline to variant.")
    smallest_effect: float = Field(ge=0, le=1e15, description="The smallest difference (variant "
                                   "minus baseline, in the metric's unit) that would matter to a "
                                   "planner; smaller effects are inconclusive.")
    verdict: Verdict | None = Field(None, description="The verdict recorded when the claim was last "
                                    "run; allysim claims --check fails when the model now says "
                                    "otherwise.")


class ClaimSpec(Strict):
    """One article claim as a paired comparison: the only key of a claim file."""

    text: Text = Field(description="The claim, as the article makes it (paraphrased if long).")
    source: SourceSpec
    scenario: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        description="The base scenario file, relative to this file.")
    baseline: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, max_length=50,
        description="Overrides (dotted.path=value) that make the baseline from the base scenario.")
    variant: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, max_length=50,
        description="Overrides that make the variant from the base scenario (or from variant_scenario).")
    variant_scenario: Annotated[str, Field(min_length=1, max_length=500)] | None = Field(
        None, description="A second scenario file for the variant, relative to this file.")
    metrics: list[Expectation] = Field(min_length=1, max_length=10)
    show: Annotated[str, Field(pattern=SHOW_PATTERN)] = Field(
        "refugees_hosted", description="The series the report draws for both arms: a column of "
        "states.csv, of one state (refugees_hosted[FRN]) or summed over every state (idps).")
    encoding: Text = Field(description="How the claim is put into the model: what the two arms "
                           "are and why they test the claim.")
    changes: str = Field("", max_length=4000, description="Anything changed in the scenarios for "
                         "this claim after its verdict was first seen, and why (empty: nothing).")


class ClaimFile(Strict):
    claim: ClaimSpec


@dataclass(frozen=True)
class Claim:
    """A validated claim file: its name (the file's stem), the block, and the scenario files of
    its two arms."""

    name: str
    path: Path
    spec: ClaimSpec
    scenario: Path
    variant_scenario: Path
    source: SourceMap = field(compare=False, repr=False)

    def problem(self, where: Sequence[PathPart], message: str) -> ScenarioError:
        """A located error about a field of this claim (``["metrics", 0, "metric"]``)."""
        return ScenarioError([self.source.problem(["claim", *where], message)])


def read_claim(path: str | Path) -> Claim:
    """Read and validate a claim file; ScenarioError (located problems) if anything is wrong."""
    path = Path(path)
    text = read_text(path, MAX_YAML_BYTES, "utf-8")
    if isinstance(text, Problem):
        raise ScenarioError([text])
    data = load_yaml(text, str(path))
    if not isinstance(data, Mapping):
        raise ScenarioError([read_problem(str(path), 1, "expected a mapping with one key, claim")])
    source = SourceMap(str(path), data)
    try:
        spec = ClaimFile.model_validate(plain_data(data)).claim
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, source, ClaimFile)) from None
    root = path.resolve().parent.parent  # the folder holding the claims folder
    scenario = path.parent / spec.scenario
    variant = path.parent / spec.variant_scenario if spec.variant_scenario else scenario
    problems: list[Problem] = []
    for name in ("scenario", "variant_scenario"):
        value = getattr(spec, name)
        wrong = _scenario_file(path.parent / value, root) if value is not None else None
        if wrong is not None:
            problems.append(source.problem(["claim", name], f"{value!r} {wrong}"))
    if not spec.variant and not spec.baseline and spec.variant_scenario is None:
        problems.append(source.problem(["claim"], "the variant is the baseline: give variant "
                                       "overrides or a variant_scenario"))
    if problems:
        raise ScenarioError(problems)
    return Claim(path.stem, path, spec, scenario.resolve(), variant.resolve(), source)


def _scenario_file(candidate: Path, root: Path) -> str | None:
    """What is wrong with a scenario file a claim names (None: nothing)."""
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError, ValueError):
        return "is not a usable path"
    if not resolved.is_relative_to(root):
        return f"is outside {root.name}/, the folder that holds the claims folder"
    if not resolved.is_file():
        return "is not a scenario file"
    return None


def scenario_files(folder: Path) -> list[Path]:
    """Every scenario file (``*.yaml``) under ``folder``, sorted, without the claim files of its
    ``claims`` folder (they are not scenarios), each file once: a symbolic link to a file listed
    (an old path kept for a moved scenario, such as ``kosovo-1999.yaml`` for
    ``history/kosovo-1999.yaml``) is left out, so the file appears under its real path."""
    folder = Path(folder)
    files = [p for p in folder.rglob("*.yaml") if CLAIMS_DIR not in p.relative_to(folder).parts[:-1]]
    real = {p.resolve() for p in files if not p.is_symlink()}
    return sorted(p for p in files if not (p.is_symlink() and p.resolve() in real))
