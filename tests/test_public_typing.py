"""Every public function of ``helpers`` (what notebooks call) carries type hints; mypy checks them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers import paths

MODULES = sorted((paths.PROJECT_ROOT / "src" / "helpers").glob("*.py"))


def unannotated(path: Path) -> list[str]:
    """Public top-level functions of a module with a parameter or return type missing."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    missing = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
        if node.args.vararg is not None:
            args.append(node.args.vararg)
        if node.args.kwarg is not None:
            args.append(node.args.kwarg)
        bare = [a.arg for a in args if a.annotation is None]
        if bare or node.returns is None:
            missing.append(f"{node.name}({', '.join(bare)}){'' if node.returns else ' -> ?'}")
    return missing


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_public_functions_have_type_hints(path):
    assert unannotated(path) == []


def test_the_check_finds_a_missing_hint(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("def f(x) -> int:\n    return 1\n\ndef _g(y):\n    pass\n", encoding="utf-8")
    assert unannotated(sample) == ["f(x)"]
