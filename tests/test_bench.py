"""The benchmark's own logic: the synthetic book generator and the ratio arithmetic (not timed)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import run  # noqa: E402
from synthetic import Spec, glossary_forms, make_book, markdown_bytes  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def test_ratio_and_median():
    assert run.ratio(4.4, 1.0) == 4.4
    assert run.median([3.0, 1.0, 2.0]) == 2.0
    with pytest.raises(ValueError):
        run.ratio(1.0, 0.0)


@pytest.mark.parametrize("name, value, expected", [
    ("hook_overhead_ratio", 1.10, "PASS"), ("hook_overhead_ratio", 1.2, "FAIL"),
    ("term_scaling_ratio", 1.1, "PASS"), ("text_scaling_ratio", 4.5, "FAIL"), ("site_bytes", 5, ""),
])
def test_verdicts(name, value, expected):
    assert run.verdict(name, value).startswith(expected)


def test_forms_scale_while_entries_stay_fixed():
    for n in (100, 1000, 5000):
        forms = glossary_forms(Spec(forms=n))
        assert len(forms) == 100 and sum(len(f) for f in forms) == n
        assert len({form for entry in forms for form in entry}) == n


def test_synthetic_book_scales_linearly_and_anchors_are_unique(tmp_path):
    one = make_book(tmp_path / "one", Spec(scale=0.05), REPO)
    two = make_book(tmp_path / "two", Spec(scale=0.1), REPO)
    assert 1.8 < markdown_bytes(two) / markdown_bytes(one) < 2.2
    part = yaml.safe_load((one / "annotations" / "part-01.yml").read_text())
    text = (one / "docs" / "book" / "part-01.md").read_text()
    assert part["annotations"] and all(text.count(a["anchor"]["quote"]) == 1 for a in part["annotations"])


def test_synthetic_book_is_deterministic(tmp_path):
    a = make_book(tmp_path / "a", Spec(scale=0.02), REPO)
    b = make_book(tmp_path / "b", Spec(scale=0.02), REPO)
    assert (a / "docs/book/part-03.md").read_text() == (b / "docs/book/part-03.md").read_text()


def test_synthetic_book_passes_reader_check(tmp_path):
    from annotated_reader.check import run_check
    root = make_book(tmp_path / "book", Spec(scale=0.03, annotations_per_part=3), REPO)
    result = run_check(root)
    assert not result.errors, [p.text() for p in result.errors][:5]
    assert result.placed == result.annotations >= 15


def test_plain_config_has_no_hooks(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nhooks:\n  - hooks/reader.py\nplugins:\n  - search\n", encoding="utf-8")
    plain = run.without_hooks(config).read_text(encoding="utf-8")
    assert "hooks" not in plain and "reader.py" not in plain and "- search" in plain
