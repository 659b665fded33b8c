"""Structure-aware fuzz of the DICOM reading (issue 20, "The project's own guard"; issue 17's refusals).

Mutations of a valid phantom plan (:mod:`sbrt_calc.plancheck.phantom`): truncation at every 5 %,
deleted elements (any level), duplicated elements, wrong VRs, huge declared lengths, swapped SOP
classes, NaN/negative/zero/infinite Dose Grid Scaling, contours with extreme coordinates. Every run of
the core loader (:func:`~sbrt_calc.plancheck.load.load_plan`) must end either

- refused with the project's error (:class:`~sbrt_calc.errors.SbrtCalcError`, one line), or
- with a loaded plan whose numbers are the unchanged file's: the same dose grid (values, axes), the
  same prescription and fraction count and, per ROI Number, the same contours; a ROI whose name or
  contours changed is accepted only when a warning says so (e.g. "no ROI Name", "empty structure").

Anything else is counted: ``crashes`` (another exception), ``silent_wrong`` (different numbers, or a
value mutation that must be refused read without a word). A few runs go through ``check-plan`` in
process (exit 2 and one stderr line, or exit 0/1) and two as a subprocess (no traceback, no exit 3),
and ``--dvh-csv`` aimed at each input checks that no input is ever overwritten (``data_lost``).

Seeded and deterministic; ``SBRT_CALC_FUZZ=thorough`` runs every 1 % cut, every element deleted and
about 5x more byte mutations. ``SBRT_CALC_FUZZ_REPORT=path`` writes the counts as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pdftext import untraced

pydicom = pytest.importorskip("pydicom")

from sbrt_calc.errors import SbrtCalcError  # noqa: E402
from sbrt_calc.plancheck import load as load_module  # noqa: E402
from sbrt_calc.plancheck.dicom_io import _LONG_VRS, _data_set_start  # noqa: E402
from sbrt_calc.plancheck.inputs import PlanCheckInputs  # noqa: E402
from sbrt_calc.plancheck.load import LoadedPlan, load_plan  # noqa: E402
from sbrt_calc.plancheck.phantom import Phantom, write_phantom  # noqa: E402

THOROUGH = os.environ.get("SBRT_CALC_FUZZ", "") == "thorough"
TINY = Phantom(shape=(24, 32, 32), cord_distance_mm=30.0, cord_z_mm=(-20.0, 20.0),
               lungs_box_mm=(-35.0, 35.0, -35.0, 25.0, -20.0, 20.0), vertices=24)
KINDS = ("rtdose", "rtstruct", "rtplan")
SHORT_VRS = [b"AE", b"AS", b"CS", b"DA", b"DS", b"FD", b"FL", b"IS", b"LO", b"LT", b"PN", b"SH", b"SL", b"SS",
             b"ST", b"TM", b"UI", b"UL", b"US"]
LONG_VRS = [b"OB", b"OW", b"OF", b"SQ", b"UN", b"UT"]


@dataclass(frozen=True)
class Mutant:
    """One mutated file: which input, what was done, and whether it must be refused."""

    kind: str
    what: str
    data: bytes
    must_refuse: bool = False


@dataclass(frozen=True)
class Elem:
    pos: int
    header: int
    length: int
    vr: bytes
    top: bool


def _elements(raw: bytes, start: int) -> list[Elem]:
    """Data elements of an explicit VR little endian file, at every level (not inside pixel data)."""
    out: list[Elem] = []
    pos, depth_ends = start, [len(raw)]
    stack: list[int] = []
    while pos + 8 <= len(raw):
        while stack and pos >= stack[-1]:
            stack.pop()
        group = int.from_bytes(raw[pos:pos + 2], "little")
        if group == 0xFFFE:
            length = int.from_bytes(raw[pos + 4:pos + 8], "little")
            elem = int.from_bytes(raw[pos + 2:pos + 4], "little")
            pos += 8
            if elem == 0xE000 and length != 0xFFFFFFFF:
                stack.append(pos + length)
            continue
        vr = raw[pos + 4:pos + 6]
        if vr in _LONG_VRS:
            length, header = int.from_bytes(raw[pos + 8:pos + 12], "little"), 12
        else:
            length, header = int.from_bytes(raw[pos + 6:pos + 8], "little"), 8
        out.append(Elem(pos, header, length, vr, not stack))
        if vr == b"SQ":
            pos += header
            if length != 0xFFFFFFFF:
                stack.append(pos + length)
        else:
            pos += header + (0 if length == 0xFFFFFFFF else length)
    del depth_ends
    return out


def _paths(ds: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths (tag, item index, tag, ...) of every element of a data set, nested ones included."""
    for elem in ds:
        path = (*prefix, elem.tag)
        yield path
        if elem.VR == "SQ":
            for k, item in enumerate(elem.value):
                yield from _paths(item, (*path, k))


def _delete(raw: bytes, path: tuple[Any, ...]) -> bytes:
    import io

    with warnings.catch_warnings(), untraced():   # pydicom's reading and writing: no line of the package
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(io.BytesIO(raw))
        node = ds
        for step in path[:-1]:
            node = node[step].value if not isinstance(step, int) else node[step]
        del node[path[-1]]
        out = io.BytesIO()
        ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def _edit(raw: bytes, edit: Callable[[Any], None]) -> bytes:
    import io

    with warnings.catch_warnings(), untraced():   # pydicom's reading and writing: no line of the package
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(io.BytesIO(raw))
        edit(ds)
        out = io.BytesIO()
        ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def mutants(ref: dict[str, bytes], starts: dict[str, int], rng: np.random.Generator) -> Iterator[Mutant]:
    step = 1 if THOROUGH else 5
    scale = 5 if THOROUGH else 1
    for kind in KINDS:  # truncation at every 5 % (1 % thorough)
        raw = ref[kind]
        for pct in range(step, 100, step):
            yield Mutant(kind, f"truncated at {pct} %", raw[: len(raw) * pct // 100])
    for kind in KINDS:  # deleted elements, any level (all of them when thorough)
        import io

        with warnings.catch_warnings(), untraced():
            warnings.simplefilter("ignore")
            paths = list(_paths(pydicom.dcmread(io.BytesIO(ref[kind]))))
        chosen = paths if THOROUGH else [paths[i] for i in sorted(rng.choice(len(paths), min(len(paths), 25),
                                                                           replace=False))]
        for path in chosen:
            yield Mutant(kind, f"deleted {path}", _delete(ref[kind], path))
    for kind in KINDS:  # byte-level: duplicated elements, wrong VRs, huge declared lengths
        raw = ref[kind]
        elems = _elements(raw, starts[kind])
        for _ in range(6 * scale):
            e = elems[int(rng.integers(len(elems)))]
            end = e.pos + e.header + (0 if e.length == 0xFFFFFFFF or e.vr == b"SQ" else e.length)
            if e.vr == b"SQ" or e.length == 0xFFFFFFFF:
                continue
            yield Mutant(kind, f"duplicated element at byte {e.pos}", raw[:end] + raw[e.pos:end] + raw[end:])
        for _ in range(8 * scale):
            e = elems[int(rng.integers(len(elems)))]
            pool = LONG_VRS if e.vr in _LONG_VRS else SHORT_VRS
            vr = pool[int(rng.integers(len(pool)))]
            if rng.random() < 0.2:  # a VR of the other length class: the header no longer parses the same
                vr = (SHORT_VRS if e.vr in _LONG_VRS else LONG_VRS)[0]
            yield Mutant(kind, f"VR {e.vr!r}->{vr!r} at byte {e.pos}", raw[:e.pos + 4] + vr + raw[e.pos + 6:])
        for _ in range(5 * scale):
            e = elems[int(rng.integers(len(elems)))]
            if e.header == 12:
                size = [0xFFFFFFF0, 0x7FFFFFFF, e.length + 2 if e.length != 0xFFFFFFFF else 0xFFFFFFF0][int(rng.integers(3))]
                patched = raw[:e.pos + 8] + int(size).to_bytes(4, "little") + raw[e.pos + 12:]
            else:
                size = [0xFFFF, e.length + 2][int(rng.integers(2))]
                patched = raw[:e.pos + 6] + int(size).to_bytes(2, "little") + raw[e.pos + 8:]
            yield Mutant(kind, f"declared length {size} at byte {e.pos}", patched)
    sops = {"rtdose": "1.2.840.10008.5.1.4.1.1.481.2", "rtstruct": "1.2.840.10008.5.1.4.1.1.481.3",
            "rtplan": "1.2.840.10008.5.1.4.1.1.481.5"}
    for kind in KINDS:  # swapped SOP classes (data set and File Meta), and a CT image's
        for other in [*(s for k, s in sops.items() if k != kind), "1.2.840.10008.5.1.4.1.1.2"]:
            def swap(ds: Any, other: str = other) -> None:
                ds.SOPClassUID = other
                ds.file_meta.MediaStorageSOPClassUID = other
            yield Mutant(kind, f"SOP Class {other}", _edit(ref[kind], swap), must_refuse=True)
    for value in ("nan", "-1e-8", "0", "inf", "-inf", "-0"):  # Dose Grid Scaling
        def scaling(ds: Any, value: str = value) -> None:
            ds.DoseGridScaling = value
        yield Mutant("rtdose", f"Dose Grid Scaling {value}", _edit(ref["rtdose"], scaling), must_refuse=True)
    for value in ("1e6", "-1e6", "1e300", "-1e308", "nan", "inf", "-inf", "100000.5"):  # extreme contour points
        def extreme(ds: Any, value: str = value) -> None:
            roi = ds.ROIContourSequence[int(rng.integers(len(ds.ROIContourSequence)))]
            c = roi.ContourSequence[int(rng.integers(len(roi.ContourSequence)))]
            data = list(c.ContourData)
            data[int(rng.integers(len(data)))] = value
            c.ContourData = data
        yield Mutant("rtstruct", f"contour coordinate {value}", _edit(ref["rtstruct"], extreme), must_refuse=True)
    for value in ("nan", "-54", "0", "inf"):  # prescription values that are not a dose
        def rx(ds: Any, value: str = value) -> None:
            ds.DoseReferenceSequence[0].TargetPrescriptionDose = value
        yield Mutant("rtplan", f"Target Prescription Dose {value}", _edit(ref["rtplan"], rx), must_refuse=True)


def _rois(plan: LoadedPlan) -> dict[int, tuple[str, list[tuple[float, list[np.ndarray]]]]]:
    return {r.number: (r.name, [(p.z_mm, list(p.polygons)) for p in r.planes]) for r in plan.structures.rois}


def _same_planes(a: list[tuple[float, list[np.ndarray]]], b: list[tuple[float, list[np.ndarray]]]) -> bool:
    return len(a) == len(b) and all(za == zb and len(pa) == len(pb) and all(np.array_equal(x, y) for x, y in zip(pa, pb, strict=True))
                                    for (za, pa), (zb, pb) in zip(a, b, strict=True))


def judge(ref: LoadedPlan, got: LoadedPlan, must_refuse: bool) -> str:
    """``same``, ``reported`` (a ROI changed and a warning says so) or ``silent_wrong``."""
    if must_refuse:
        return "silent_wrong"
    d, r = got.dose, ref.dose
    if not (d.shape == r.shape and np.array_equal(d.dose, r.dose) and np.array_equal(d.x_mm, r.x_mm)
            and np.array_equal(d.y_mm, r.y_mm) and np.array_equal(d.z_mm, r.z_mm)):
        return "silent_wrong"
    if (got.prescription_gy, got.fractions) != (ref.prescription_gy, ref.fractions):
        return "silent_wrong"
    new_warnings = " ".join(w for w in got.warnings if w not in ref.warnings)
    ra, rb = _rois(ref), _rois(got)
    verdict = "same"
    for number in set(ra) | set(rb):
        if number not in ra or number not in rb:
            return "silent_wrong"  # a ROI appeared or vanished
        (na, pa), (nb, pb) = ra[number], rb[number]
        if na == nb and _same_planes(pa, pb):
            continue
        roi = next(x for x in got.structures.rois if x.number == number)
        told = (nb in new_warnings or f"ROI Number {number}" in new_warnings or
                any(n for n in roi.notes if "skipped" in n or "empty" in n))
        if not told or (na == nb and not roi.notes):
            return "silent_wrong"
        verdict = "reported"
    return verdict


def test_dicom_fuzz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ref_files = write_phantom(tmp_path / "ref", TINY)
    ref_bytes = {k: ref_files[k].read_bytes() for k in KINDS}
    starts = {}
    for k in KINDS:
        with ref_files[k].open("rb") as fp:
            starts[k] = _data_set_start(fp)[0]
    reference = load_plan(PlanCheckInputs(*(str(ref_files[k]) for k in KINDS)))
    # the unchanged files are read once (the loader's readers cached for the reference paths)
    for name in ("read_rtdose", "read_rtstruct"):
        real = getattr(load_module, name)
        cache: dict[str, Any] = {}

        def cached(path: Any, *a: Any, _real: Any = real, _cache: dict[str, Any] = cache, **kw: Any) -> Any:
            key = str(path)
            if key in {str(p) for p in ref_files.values()}:
                if key not in _cache:
                    _cache[key] = _real(path, *a, **kw)
                return _cache[key]
            return _real(path, *a, **kw)
        monkeypatch.setattr(load_module, name, cached)
    counts: Counter[str] = Counter()
    failures: list[str] = []
    work = tmp_path / "mutants"
    work.mkdir()
    rng = np.random.default_rng(20)
    for n, m in enumerate(mutants(ref_bytes, starts, rng)):
        path = work / f"{n:04d}_{m.kind}.dcm"
        path.write_bytes(m.data)
        files = {**{k: str(ref_files[k]) for k in KINDS}, m.kind: str(path)}
        counts["tried"] += 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # nothing may leak as a Python warning either
                got = load_plan(PlanCheckInputs(files["rtdose"], files["rtstruct"], files["rtplan"]))
        except SbrtCalcError as exc:
            text = str(exc)
            if text and "\n" not in text.strip() and len(text) < 2000:
                counts["refused"] += 1
            else:
                counts["crashes"] += 1
                failures.append(f"{m.what} ({m.kind}): error not one line: {text[:200]!r}")
            continue
        except Exception as exc:  # noqa: BLE001 - what the fuzz is looking for
            counts["crashes"] += 1
            failures.append(f"{m.what} ({m.kind}): {type(exc).__name__}: {str(exc)[:200]}")
            continue
        verdict = judge(reference, got, m.must_refuse)
        counts[verdict] += 1
        if verdict == "silent_wrong":
            failures.append(f"{m.what} ({m.kind}): read without refusal, numbers or ROIs differ silently")
    counts.update(_cli_runs(tmp_path, ref_files, ref_bytes, failures))
    report = {k: counts.get(k, 0) for k in ("tried", "refused", "same", "reported", "crashes", "silent_wrong",
                                            "cli_runs", "cli_bad", "data_lost")}
    if os.environ.get("SBRT_CALC_FUZZ_REPORT"):
        Path(os.environ["SBRT_CALC_FUZZ_REPORT"]).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report))
    assert not failures, "\n".join(failures[:20]) + f"\n{report}"
    assert report["refused"] > report["tried"] // 2  # the fuzz mostly damages: most runs must be refused


def _cli_runs(tmp_path: Path, ref_files: dict[str, Path], ref_bytes: dict[str, bytes],
              failures: list[str]) -> Counter[str]:
    """check-plan on a few mutants: in process (exit 2 + one line, or 0/1) and two as a subprocess."""
    import contextlib
    import io

    from sbrt_calc.cli.main import main

    counts: Counter[str] = Counter()
    raw = ref_bytes["rtstruct"]
    cases = [("rtstruct", raw[: len(raw) // 2]), ("rtdose", ref_bytes["rtdose"][:5000]),
             ("rtplan", ref_bytes["rtplan"][: len(ref_bytes["rtplan"]) * 3 // 4]),
             ("rtdose", _edit(ref_bytes["rtdose"], lambda ds: setattr(ds, "DoseGridScaling", "nan")))]
    folder = tmp_path / "cli"
    folder.mkdir()
    for n, (kind, data) in enumerate(cases):
        bad = folder / f"bad{n}.dcm"
        bad.write_bytes(data)
        files = {**{k: str(ref_files[k]) for k in KINDS}, kind: str(bad)}
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(["check-plan", "--rtdose", files["rtdose"], "--rtstruct", files["rtstruct"], "--rtplan",
                       files["rtplan"], "--format", "json"])
        counts["cli_runs"] += 1
        e = err.getvalue()
        if not (rc == 2 and e.count("\n") == 1 and "Traceback" not in e):
            counts["cli_bad"] += 1
            failures.append(f"check-plan on {kind} mutant {n}: exit {rc}, stderr {e[:200]!r}")
    # two subprocess runs: a damaged structure set (refused) and --dvh-csv aimed at an input (refused, kept)
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    for args, target in (([str(folder / "bad0.dcm")], None), ([str(ref_files["rtstruct"])], ref_files["rtdose"])):
        cmd = [sys.executable, "-m", "sbrt_calc", "check-plan", "--rtdose", str(ref_files["rtdose"]), "--rtstruct",
               args[0], "--rtplan", str(ref_files["rtplan"])]
        if target is not None:
            cmd += ["--dvh-csv", str(target)]
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        counts["cli_runs"] += 1
        if p.returncode != 2 or p.stderr.count("\n") != 1 or "Traceback" in p.stderr or "Warning" in p.stderr:
            counts["cli_bad"] += 1
            failures.append(f"subprocess check-plan: exit {p.returncode}, stderr {p.stderr[:300]!r}")
    for k in KINDS:
        if ref_files[k].read_bytes() != ref_bytes[k]:
            counts["data_lost"] += 1
            failures.append(f"the input {k} was changed by a run")
    return counts
