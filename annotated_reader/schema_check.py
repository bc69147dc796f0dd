"""`python -m annotated_reader.schema_check FILE...`: schema validation of single files (for pre-commit).

`reader check` does this and more for the whole folder; this entry point checks
only the files a commit touches, so the hook stays fast.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .load import DATA_FILES, _validate
from .yamlsource import read_yaml


def main(argv: list[str] | None = None) -> int:
    failed = False
    for name in argv if argv is not None else sys.argv[1:]:
        path = Path(name)
        doc = read_yaml(path, name)
        problems = list(doc.problems)
        if doc.data is not None or not problems:
            _validate(doc, DATA_FILES.get(path.name, "part"), problems)
        for problem in problems:
            print(problem.text(), file=sys.stderr)
        failed = failed or any(p.severity == "error" for p in problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
