"""Docs that are generated must be current; docs that are written must name real things."""

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import barrio.model
from barrio.model.outcomes import OUTCOMES
from barrio.model.params import parameter_table
from barrio.model.reference import documented_constants, fixed_values, levers_markdown, parameters_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_parameters_md_is_current():
    from barrio.experiments.posterior import posterior_markdown

    current = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    expected = parameters_markdown() + "\n" + posterior_markdown(ROOT / "calibrations" / "fortaleza")
    assert current == expected, "run: make docs"


def test_levers_md_is_current():
    current = (ROOT / "docs" / "levers.md").read_text(encoding="utf-8")
    assert current == levers_markdown(), "run: barrio levers --markdown > docs/levers.md"


def test_sensitivity_md_shows_what_the_shipped_studies_say():
    from barrio.experiments.findings import BLOCK, refresh

    current = (ROOT / "docs" / "sensitivity.md").read_text(encoding="utf-8")
    assert [m.group("folder") for m in BLOCK.finditer(current)] == [
        "experiments/studies/fortaleza_morris",
        "experiments/studies/fortaleza_sobol",
    ]
    assert current == refresh(current, ROOT), "run: make docs"


def _is_number_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float) and not isinstance(node.value, bool)
    if isinstance(node, ast.UnaryOp):
        return _is_number_literal(node.operand)
    if isinstance(node, ast.Tuple):
        return bool(node.elts) and all(_is_number_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.values) and all(_is_number_literal(v) for v in node.values)
    return False


def test_every_number_fixed_in_the_model_has_its_meaning_and_source_where_it_is_defined():
    """A public module-level number (or tuple or table of numbers) is a fixed value: it needs a
    ``#:`` comment with its meaning and a ``Source:`` line, which docs/parameters.md lists."""
    missing = []
    for info in pkgutil.iter_modules(barrio.model.__path__):
        source = inspect.getsource(importlib.import_module(f"barrio.model.{info.name}"))
        comments = documented_constants(source)
        for node in ast.parse(source).body:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
                continue
            target = node.targets[0]
            if (
                isinstance(target, ast.Name)
                and not target.id.startswith("_")
                and _is_number_literal(node.value)
            ):
                meaning, marker, provenance = comments[target.id].partition("Source:")
                if not (meaning.strip() and marker and provenance.strip()):
                    missing.append(f"{info.name}.{target.id}")
    assert not missing, f"fixed values without a '#:' meaning and 'Source:' line: {missing}"
    listed = {f"{f.module.rsplit('.', 1)[1]}.{f.name}" for f in fixed_values()}
    assert {"rivalry.VIOLENCE_MEMORY", "policing.HEAT_MEMORY", "demography.MAX_AGE"} <= listed


def test_a_fixed_values_comment_is_read_from_where_it_is_defined():
    source = "#: What it is.\n#: Source: a study.\nVALUE = 3\nOTHER = 4\n"
    assert documented_constants(source) == {"VALUE": "What it is. Source: a study.", "OTHER": ""}


def test_every_parameter_has_a_unit_a_meaning_and_a_source():
    for row in parameter_table():
        assert row["unit"] and row["meaning"] and row["source"], row["path"]


def test_odd_names_only_outcomes_and_parameters_that_exist():
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    known = {row["path"] for row in parameter_table()}
    sections = sorted({path.split(".")[0] for path in known})
    pattern = rf"`((?:{'|'.join(sections)})(?:\.\w+)+)`"
    named = re.findall(pattern, odd)
    assert len(named) > 100  # the pattern does find the ODD's parameters
    # A path may name a parameter or a section of them (`programmes.cash`).
    prefixes = {".".join(p.split(".")[:k]) for p in known for k in range(1, p.count(".") + 2)}
    for path in named:
        assert path in prefixes, path
    for name in re.findall(r"`(\w+)` \(outcome\)", odd):
        assert name in OUTCOMES, name


def test_readme_commands_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_the_readmes_scenario_and_experiment_examples_are_valid(tmp_path):
    from barrio.experiments.sweep import load_experiment
    from barrio.model.scenario import load_scenario

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    scenarios = [b for b in blocks if "timeline:" in b]
    grid = next(b for b in blocks if "vary:" in b)
    sample = next(b for b in blocks if b.startswith("sample:"))
    assert scenarios
    for k, text in enumerate(scenarios):
        path = tmp_path / f"example{k}.yaml"
        path.write_text(text)
        assert load_scenario(path).timeline
    (tmp_path / "grid.yaml").write_text(grid)
    assert len(load_experiment(tmp_path / "grid.yaml").points) == 9
    # The hypercube block replaces `vary` in the same file.
    header = grid.split("vary:")[0]
    (tmp_path / "lhs.yaml").write_text(header + sample)
    assert len(load_experiment(tmp_path / "lhs.yaml").points) == 20
