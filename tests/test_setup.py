"""The README's first command on a machine whose only Python refuses pip installs (PEP 668).

Debian and Ubuntu mark their system Python "externally managed": `pip install` there stops with
`externally-managed-environment`. scripts/setup must then make the project's own .venv/ and install
into it, and scripts/site must build with it, with nothing but the system's directories on PATH.
Where the system's python3 is not such a Python, a simulated one is made (an interpreter outside
any venv whose stdlib holds the EXTERNALLY-MANAGED marker); either way pip is shown to refuse it first.
The test runs both scripts in a copy of the project (what git has), so the checkout is not touched.
It reuses this machine's pip and npm caches (HOME and the PIP_*/npm_config_* settings are passed
on), so it costs one install of the pinned packages, not a download of them all.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from sitebuild import ROOT

SYSTEM_PATH = "/usr/bin:/bin"


def externally_managed_python() -> Path | None:
    """The system's python3 on SYSTEM_PATH when it is >= 3.11, not a venv, and marked EXTERNALLY-MANAGED."""
    python = shutil.which("python3", path=SYSTEM_PATH)
    if not python:
        return None
    probe = subprocess.run([python, "-c", "import sys, sysconfig; print(sys.version_info >= (3, 11), "
                            "sys.prefix == sys.base_prefix, sysconfig.get_path('stdlib'))"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return None
    new_enough, not_a_venv, stdlib = probe.stdout.split(maxsplit=2)
    marked = Path(stdlib.strip(), "EXTERNALLY-MANAGED").is_file()
    return Path(python) if new_enough == not_a_venv == "True" and marked else None


def simulated_managed_python(folder: Path) -> Path:
    """A venv-less interpreter whose stdlib holds an EXTERNALLY-MANAGED file: this Python's base interpreter
    copied into `folder`/bin, its stdlib linked entry by entry (site-packages left empty), plus the marker."""
    stdlib = Path(sysconfig.get_path("stdlib"))
    lib = folder / "lib" / stdlib.name
    lib.mkdir(parents=True)
    for entry in stdlib.iterdir():
        if entry.name != "site-packages":
            (lib / entry.name).symlink_to(entry)
    (lib / "site-packages").mkdir()
    (lib / "EXTERNALLY-MANAGED").write_text("[externally-managed]\nError=simulated by tests/test_setup.py\n")
    (folder / "bin").mkdir()
    shutil.copy2(os.path.realpath(sys._base_executable), folder / "bin" / "python3")
    return folder / "bin" / "python3"


@pytest.fixture(scope="module")
def managed_python(tmp_path_factory) -> tuple[Path, str]:
    """(python3, PATH): Debian's or Ubuntu's system python3 where present, else a simulated one first on PATH."""
    python = externally_managed_python()
    if python is None:
        python = simulated_managed_python(tmp_path_factory.mktemp("managed-python"))
        path = f"{python.parent}:{SYSTEM_PATH}"
    else:
        path = SYSTEM_PATH
    refused = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--dry-run", "six"],
                             capture_output=True, text=True, timeout=300)
    assert refused.returncode != 0 and "externally-managed-environment" in refused.stderr, refused.stderr[-2000:]
    return python, path


def project_copy(target: Path) -> Path:
    """The files git has (committed or new, not ignored): what a fresh clone holds, plus work in progress."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: cannot tell which files a fresh clone has")
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def system_env(path: str = SYSTEM_PATH) -> dict[str, str]:
    """Only the system's directories on PATH, no active virtual environment; this machine's package caches and settings."""
    env = {"PATH": path, "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}
    env.update({k: v for k, v in os.environ.items() if k.startswith(("PIP_", "npm_config_", "READER_CHROMIUM"))})
    return env


def run(project: Path, script: str, path: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", f"scripts/{script}"], cwd=project, env=system_env(path), capture_output=True, text=True,
                          timeout=1500)


@pytest.mark.slow
def test_setup_makes_a_venv_on_an_externally_managed_python_and_the_site_builds(tmp_path, managed_python):
    python, path = managed_python  # pip refuses to install into it (checked by the fixture)
    project = project_copy(tmp_path / "project")

    setup = run(project, "setup", path)
    assert setup.returncode == 0, setup.stdout[-2000:] + setup.stderr[-3000:]
    said = setup.stdout.strip().splitlines()
    assert len(said) == 1 and said[0].startswith("setup: ") and f"made .venv/ with {python} (" in said[0], setup.stdout
    assert "installed the Python packages into .venv" in said[0]
    venv_python = project / ".venv" / "bin" / "python"
    inside = subprocess.run([str(venv_python), "-c", "import sys, annotated_reader, mkdocs, material; "
                             "print(sys.prefix != sys.base_prefix, annotated_reader.__file__)"],
                            cwd=tmp_path, capture_output=True, text=True)  # not from the checkout's folder
    assert inside.returncode == 0, inside.stderr
    assert inside.stdout.split() == ["True", str(project / "annotated_reader" / "__init__.py")]
    for command in (["reader", "--help"], ["mkdocs", "--version"]):  # reachable after `. .venv/bin/activate`
        assert subprocess.run([str(project / ".venv" / "bin" / command[0]), command[1]], capture_output=True).returncode == 0

    site = run(project, "site", path)
    assert site.returncode == 0, site.stdout[-2000:] + site.stderr[-3000:]
    assert site.stdout.splitlines()[0] == "setup: nothing to install, all up to date."
    assert "companion edition" in site.stderr and "Built site/" in site.stdout
    assert (project / "site" / "index.html").is_file()
    assert (project / "site" / "downloads" / "annotated-reader-offline.zip").is_file()
    assert not (project / "docs" / "book").exists()


def test_without_venv_support_setup_stops_and_names_the_debian_package(tmp_path):
    """Debian's python3 without python3.X-venv cannot make a venv; not being root, setup says what to install."""
    python = shutil.which("python3", path=SYSTEM_PATH)
    if not python:
        pytest.skip(f"no python3 on {SYSTEM_PATH}")
    version = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2], sep='.')"],
                             capture_output=True, text=True).stdout.strip()
    fake = tmp_path / "bin"  # a python3 whose ensurepip is missing, and an `id` that is not root
    fake.mkdir()
    (fake / "python3").write_text("#!/bin/sh\n"
                                  'if [ "$1" = -c ] && [ "$2" = "import ensurepip, venv" ]; then exit 1; fi\n'
                                  f'exec {python} "$@"\n')
    (fake / "id").write_text("#!/bin/sh\necho 1000\n")
    for tool in fake.iterdir():
        tool.chmod(0o755)
    project = tmp_path / "project"
    shutil.copytree(ROOT / "scripts", project / "scripts")
    run = subprocess.run(["bash", "scripts/setup"], cwd=project, env={**system_env(), "PATH": f"{fake}:{SYSTEM_PATH}"},
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"install Debian's python{version}-venv (sudo apt-get install python{version}-venv)" in run.stderr
    assert not (project / ".venv").exists()


def test_the_project_venv_is_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", ".venv/bin/python"], cwd=ROOT, capture_output=True, text=True)
    assert ignored.stdout.split() == [".venv/bin/python"]


def test_a_disk_build_with_materials_search_and_no_npm_packages_fails_clearly(tmp_path):
    """With Material's search plugin on, reading from disk needs the iframe-worker shim (npm): no shim, no build."""
    import yaml

    from sitebuild import build, copy_project

    project = copy_project(tmp_path / "project")
    if (project / "node_modules").is_symlink():
        (project / "node_modules").unlink()
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    plugins = yaml.load(config, Loader=yaml.BaseLoader)["plugins"]
    assert "offline" in plugins
    if "search" not in plugins:
        config = config.replace("\nplugins:\n", "\nplugins:\n  - search\n", 1)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = build(project)
    assert result.returncode != 0
    assert "node_modules/iframe-worker is missing" in result.stderr and "bash scripts/setup" in result.stderr
