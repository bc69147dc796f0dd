"""Build the site of a copy of this project in a tmp folder (companion, or with an imported text)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_project(target: Path, book_dir: Path | None = None) -> Path:
    """What a fresh clone has (plus node_modules), and optionally an imported text in docs/book."""
    for name in ("annotations", "profiles", "hooks"):
        shutil.copytree(ROOT / name, target / name)
    (target / "docs").mkdir(parents=True)
    for path in (ROOT / "docs").glob("*.md"):
        shutil.copy(path, target / "docs" / path.name)
    shutil.copytree(ROOT / "docs" / "assets", target / "docs" / "assets")
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    if (ROOT / "node_modules").exists():
        (target / "node_modules").symlink_to(ROOT / "node_modules")
    if book_dir:
        shutil.copytree(book_dir, target / "docs" / "book")
    return target


def build(project: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("READER_PROFILE", None)
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", *extra], cwd=project, env=env,
                          capture_output=True, text=True)
