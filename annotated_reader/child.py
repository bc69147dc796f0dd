"""Work of the build done in a process of its own, on the machine's other core (`Child`).

A build is pure Python: one core busy, and threads would share the GIL. Some of its work needs nothing
but its inputs and can start before the build needs its result: the search index (written beside the
page rendering and the exports), the layer's Markdown bodies, the maps' atlas. Each runs as a `Child`,
and whatever goes wrong with one only costs time: its user does the work itself when the result is
not there (so the site is the same either way).

A plain `python -c` child, not multiprocessing, whose spawned children import the parent's main
script (mkdocs) again. The function's name and arguments go in, and its result comes back, through
one temporary file, pickled; the child removes the file once it has read it, and writes it again only
for a result (not for None), so a child whose parent is gone leaves nothing behind.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

_RUN = ("import importlib, os, pickle, sys\n"
        "with open(sys.argv[1], 'rb') as f:\n    module, name, args = pickle.load(f)\n"
        "os.remove(sys.argv[1])\n"
        "result = getattr(importlib.import_module(module), name)(*args)\n"
        "if result is not None:\n"
        "    data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)\n"
        "    with open(sys.argv[1], 'wb') as f:\n        f.write(data)\n")


class ChildFailed(Exception):
    """The child did not finish its work; the message gives its exit status and error output."""


class Child:
    """`function(*args)` running in a child process: a module-level function (the child imports it by
    name), picklable arguments and result."""

    def __init__(self, function: Callable, *args: Any):
        fd, path = tempfile.mkstemp(prefix=f"reader-{function.__name__.strip('_')}-", suffix=".pickle")
        with os.fdopen(fd, "wb") as f:
            pickle.dump((function.__module__, function.__name__, args), f, protocol=pickle.HIGHEST_PROTOCOL)
        self.file = Path(path)  # the arguments, removed once read; then the result, unless None
        self.process = subprocess.Popen([sys.executable, "-c", _RUN, path], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_env())

    def done(self) -> bool:
        """Whether the child has ended (its result is then ready, or it failed)."""
        return self.process.poll() is not None

    def result(self) -> Any:
        """Wait for the child and return what its function returned; ChildFailed if it did not finish."""
        _, errors = self.process.communicate()
        try:
            if self.process.returncode != 0:
                raise ChildFailed(f"exit status {self.process.returncode}" + (f": {errors.strip()}" if errors.strip() else ""))
            try:
                return pickle.loads(self.file.read_bytes()) if self.file.exists() else None
            except (OSError, EOFError, pickle.UnpicklingError) as error:
                raise ChildFailed(f"its result could not be read: {error}") from error
        finally:
            self.file.unlink(missing_ok=True)

    def stop(self) -> None:
        """Stop the child if it still runs (its result is not wanted), and remove its file."""
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait()
        self.process.stderr.close()
        self.file.unlink(missing_ok=True)


def _env() -> dict[str, str]:
    """The child imports this very copy of the package, first on its path: not another one installed
    elsewhere, and not nothing when MkDocs runs from another folder with the package uninstalled."""
    here = str(Path(__file__).resolve().parents[1])
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": here + (os.pathsep + path if path else "")}
