"""The conda environment.yml installs exactly what pyproject.toml declares (runtime + dev)."""

from __future__ import annotations

import re
import tomllib

from helpers import paths


def _norm(req: str) -> str:
    return re.sub(r"[-_.]+", "-", req.strip().lower())


def load_pyproject_requirements() -> set[str]:
    data = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    return {_norm(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}


def load_environment_pip_requirements() -> tuple[set[str], str]:
    text = (paths.PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8")
    reqs, in_pip, python = set(), False, ""
    for line in text.splitlines():
        stripped = line.split("#", 1)[0].rstrip()
        if re.match(r"^\s*-\s*python\s*=", stripped):
            python = stripped.split("=", 1)[1].strip()
        if re.match(r"^\s*-\s*pip:\s*$", stripped):
            in_pip = True
            continue
        if in_pip:
            m = re.match(r"^\s+-\s+(.+)$", stripped)
            if not m:
                break
            if not m.group(1).startswith("-e"):
                reqs.add(_norm(m.group(1)))
    return reqs, python


def test_environment_yml_matches_pyproject():
    pip_reqs, _ = load_environment_pip_requirements()
    declared = load_pyproject_requirements()
    assert pip_reqs == declared, {
        "only in environment.yml": sorted(pip_reqs - declared),
        "only in pyproject.toml": sorted(declared - pip_reqs),
    }


def test_every_dependency_is_pinned():
    for req in load_pyproject_requirements():
        assert "==" in req, f"{req} is not pinned"


def test_python_version_agrees():
    _, python = load_environment_pip_requirements()
    data = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["requires-python"] == f">={python}"


def test_only_one_opencc_distribution():
    # `opencc` (C++ binding) and `opencc-python-reimplemented` install the same module name.
    names = {re.split(r"[=<>\[]", r)[0] for r in load_pyproject_requirements()}
    assert not ({"opencc", "opencc-python-reimplemented"} <= names)


# --- the lock file: the full resolved set that `make install` installs -----------------------

LOCK_PATH = paths.PROJECT_ROOT / "requirements-lock.txt"


def load_lock() -> dict[str, dict]:
    """``name -> {"version", "hashes"}`` from requirements-lock.txt (uv/pip-tools format)."""
    entries: dict[str, dict] = {}
    current = None
    for line in LOCK_PATH.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if m:
            current = entries.setdefault(_norm(m.group(1)), {"version": m.group(2), "hashes": 0})
            current["version"] = m.group(2)
        elif current is not None and line.strip().startswith("--hash=sha256:"):
            current["hashes"] += 1
    return entries


def test_lock_pins_every_declared_dependency_at_the_same_version():
    lock = load_lock()
    mismatches = {}
    data = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    for req in project["dependencies"] + project["optional-dependencies"]["dev"]:
        name, version = req.split("==")
        name = _norm(re.sub(r"\[.*\]", "", name))
        if lock.get(name, {}).get("version") != version:
            mismatches[name] = (version, lock.get(name, {}).get("version"))
    assert mismatches == {}, "run `make lock` after changing pyproject.toml"


def test_every_locked_package_has_hashes():
    lock = load_lock()
    assert len(lock) > 50  # the transitive set, not just the direct pins
    assert [name for name, e in lock.items() if e["hashes"] == 0] == []


def test_make_install_uses_the_lock_with_hash_checking():
    makefile = (paths.PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes -r $(LOCK)" in makefile
    assert "LOCK := requirements-lock.txt" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile
    _, python = load_environment_pip_requirements()
    assert f"--python-version {python}" in makefile  # the lock targets the same Python
