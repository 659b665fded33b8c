"""Where the DICOM samples nobody here made live (``../shared/dicom-samples/README.md``), for every test.

``$SBRT_CALC_SAMPLES`` when set, else ``shared/dicom-samples`` beside an ancestor of the tests (CI clones the
repository with ``../shared`` beside it). A test that needs the samples skips with the reason when they are
absent: never a silent pass.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SKIP_REASON = "the DICOM samples (../shared/dicom-samples beside the repository, or $SBRT_CALC_SAMPLES) are absent"


def samples_dir() -> Path | None:
    """The samples folder, or None when it is absent."""
    env = os.environ.get("SBRT_CALC_SAMPLES")
    if env:
        return Path(env) if Path(env).is_dir() else None
    for parent in Path(__file__).resolve().parents:
        cand = parent / "shared" / "dicom-samples"
        if cand.is_dir():
            return cand
    return None


def require_samples() -> Path:
    """The samples folder; skips the calling test (with the reason) when it is absent."""
    found = samples_dir()
    if found is None:
        pytest.skip(SKIP_REASON)
    return found
