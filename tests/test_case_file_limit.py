"""One size limit for case files, applied inside every loader (issue 18).

Before: the saved-case loader refused above 16 MB, the eligibility TOML loader above 1 MB and the
loader the app, ``compare --case`` and ``report`` share above 5 MB, so one file could open in one place
and be refused in another. Now :data:`sbrt_calc.input_limits.MAX_CASE_FILE_BYTES` is the one limit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sbrt_calc import case, case_sections, input_limits
from sbrt_calc.eligibility import case as eligibility_case
from sbrt_calc.errors import CaseError

ROOT = Path(__file__).resolve().parents[1]
LIMIT = input_limits.MAX_CASE_FILE_BYTES

JSON_LOADERS: dict[str, Callable[[Path], Any]] = {"case.load_case": case.load_case,
                                                   "case_sections.load_any_case": case_sections.load_any_case}
TOML_LOADERS: dict[str, Callable[[Path], Any]] = {"eligibility.case.load_case": eligibility_case.load_case,
                                                   "case_sections.load_any_case": case_sections.load_any_case}


def test_one_constant() -> None:
    """Every loader module uses the same object, not a copy with its own value."""
    assert LIMIT == 16_000_000
    assert case.MAX_CASE_FILE_BYTES is LIMIT
    assert case_sections.MAX_CASE_FILE_BYTES is LIMIT
    assert eligibility_case.MAX_CASE_FILE_BYTES is LIMIT


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:   # sparse: `size` bytes on paper, nothing on disk
        fh.truncate(size)
    return path


@pytest.mark.parametrize("suffix", [".json", ".toml"])
@pytest.mark.parametrize("name", sorted({*JSON_LOADERS, *TOML_LOADERS}))
def test_one_byte_over_the_limit_is_refused_by_every_loader(tmp_path: Path, name: str, suffix: str) -> None:
    loader = {**JSON_LOADERS, **TOML_LOADERS}[name]
    p = _sparse(tmp_path / f"big{suffix}", LIMIT + 1)
    with pytest.raises(CaseError) as info:
        loader(p)
    assert str(LIMIT) in str(info.value) and info.value.value == LIMIT + 1


def _padded(text: str, size: int, pad: str) -> str:
    body = text.rstrip("\n") + "\n"
    filler = size - len(body.encode("utf-8")) - 1
    assert filler > 0
    return body + pad + " " * (filler - len(pad)) + "\n"


@pytest.mark.parametrize("name", sorted(JSON_LOADERS))
def test_a_saved_case_at_the_limit_opens_everywhere(tmp_path: Path, name: str) -> None:
    """A saved case padded to exactly the limit (whitespace, still valid JSON) is read by every JSON loader."""
    doc = json.loads(case.dumps_case(case.Case("big", None, (case.CaseRegimen("36/3", 36.0, 3),))))
    p = tmp_path / "big.sbrt.json"
    p.write_text(_padded(json.dumps(doc), LIMIT, ""), encoding="utf-8")
    assert p.stat().st_size == LIMIT
    loaded = JSON_LOADERS[name](p)
    assert loaded.title == "big" and loaded.valid_regimens()[0].total_dose_gy == 36.0


@pytest.mark.parametrize("name", sorted(TOML_LOADERS))
def test_an_eligibility_case_at_the_limit_opens_everywhere(tmp_path: Path, name: str) -> None:
    """An eligibility case padded with a TOML comment to exactly the limit is read by every TOML loader."""
    text = (ROOT / "examples" / "case_egfr_bone.toml").read_text(encoding="utf-8")
    p = tmp_path / "big.toml"
    p.write_text(_padded(text, LIMIT, "#"), encoding="utf-8")
    assert p.stat().st_size == LIMIT
    loaded = TOML_LOADERS[name](p)
    assert loaded is not None
