"""Hypothesis strategies shared by the property tests (one place, sized for a two-core machine)."""

from __future__ import annotations

import os

from hypothesis import strategies as st


def examples(thorough: int) -> int:
    """``max_examples`` for one property: ``thorough`` under ``HYPOTHESIS_PROFILE=thorough``, else (the fast
    default profile, used in CI) a tenth of it and at least 10 (profiles in ``tests/conftest.py``)."""
    if os.environ.get("HYPOTHESIS_PROFILE", "fast") == "thorough":
        return thorough
    return max(10, thorough // 10)


doses_per_fraction = st.floats(min_value=0.1, max_value=100.0, allow_nan=False)
sbrt_doses_per_fraction = st.floats(min_value=1.0, max_value=30.0, allow_nan=False)
alpha_betas = st.floats(min_value=0.5, max_value=30.0, allow_nan=False)
fraction_counts = st.integers(min_value=1, max_value=40)
transitions = st.floats(min_value=2.5, max_value=25.0, allow_nan=False)
target_beds = st.floats(min_value=1.0, max_value=1000.0, allow_nan=False)
model_views = st.sampled_from([("lq",), ("lql",), ("usc",), ("lq", "lql", "usc")])
usc_parameters = st.tuples(st.floats(min_value=0.1, max_value=0.6), st.floats(min_value=0.5, max_value=1.6),
                           st.floats(min_value=0.5, max_value=3.0)).filter(lambda p: p[0] * p[1] < 0.95)
