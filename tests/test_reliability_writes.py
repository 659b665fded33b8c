"""Issue 12, writing files: never half-written, old file kept on failure, umask and mode, leftovers, kills.

Tests run as root here, and root ignores file permissions: write failures are simulated by
patching ``os.write`` / ``os.open`` / ``os.replace`` with an ENOSPC or EACCES fake.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sbrt_calc import atomic_write
from sbrt_calc.atomic_write import WriteError, cleanup_leftovers, write_bytes_atomic, write_text_atomic
from sbrt_calc.case import Case, CaseRegimen, load_case, save_case
from sbrt_calc.cli.main import main
from sbrt_calc.errors import SbrtCalcError
from sbrt_calc.regimen import parse_regimen


def _case(title: str = "t", n: int = 2) -> Case:
    return Case(title, None, tuple(CaseRegimen.from_regimen(parse_regimen(f"{30 + i}/3")) for i in range(n)))


def _fail_with(code: int):  # noqa: ANN202
    def fake(*_a: object, **_k: object) -> int:
        raise OSError(code, os.strerror(code))
    return fake


@pytest.mark.parametrize(("call", "code", "words"), [
    ("write", errno.ENOSPC, "disk is full"),
    ("write", errno.EDQUOT, "quota"),
    ("open", errno.EACCES, "permission denied"),
    ("replace", errno.EACCES, "permission denied"),
    ("fsync", errno.EIO, "input/output"),
])
def test_failed_write_keeps_old_file_and_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str,
                                                  code: int, words: str) -> None:
    p = tmp_path / "c.sbrt.json"
    save_case(_case("old"), p)
    before = p.read_bytes()
    monkeypatch.setattr(os, call, _fail_with(code))
    with pytest.raises(WriteError) as info:
        save_case(_case("new"), p)
    monkeypatch.undo()
    msg = str(info.value)
    assert str(p) in msg and words in msg and "unchanged" in msg
    assert ".sbrt-tmp" not in msg                      # the user's file, not the hidden temporary
    assert isinstance(info.value, OSError) and isinstance(info.value, SbrtCalcError)
    assert p.read_bytes() == before                    # nothing lost
    assert sorted(f.name for f in tmp_path.iterdir()) == ["c.sbrt.json"]   # no temporary left


def test_short_writes_are_completed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:7])))   # a slow device
    out = write_bytes_atomic(tmp_path / "x.bin", bytes(range(256)) * 40)
    monkeypatch.undo()
    assert out.read_bytes() == bytes(range(256)) * 40


def test_new_files_honour_the_umask_and_existing_files_keep_their_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        new = write_text_atomic(tmp_path / "shared.csv", "a\n")
        assert stat.S_IMODE(new.stat().st_mode) == 0o644          # colleagues can read it
        os.umask(0o077)
        assert stat.S_IMODE(write_text_atomic(tmp_path / "private.csv", "a\n").stat().st_mode) == 0o600
        os.chmod(new, 0o664)
        write_text_atomic(new, "b\n")
        assert stat.S_IMODE(new.stat().st_mode) == 0o664 and new.read_text() == "b\n"
    finally:
        os.umask(old)


def test_read_only_target_is_refused_even_for_root(tmp_path: Path) -> None:
    p = tmp_path / "r.pdf"
    p.write_bytes(b"%PDF-old")
    p.chmod(0o444)
    with pytest.raises(WriteError, match="read-only"):
        write_bytes_atomic(p, b"%PDF-new")
    assert p.read_bytes() == b"%PDF-old"
    with pytest.raises(WriteError, match="folder"):
        write_bytes_atomic(tmp_path / "missing" / "x.csv", b"x")
    with pytest.raises(WriteError, match="folder"):
        write_bytes_atomic(tmp_path, b"x")


def test_leftovers_of_killed_saves_are_cleaned_but_young_ones_kept(tmp_path: Path) -> None:
    old_ours = tmp_path / ".c.sbrt.json.0123456789abcdef.sbrt-tmp"
    old_legacy = tmp_path / ".c.sbrt.json.ab12_x9z.tmp"        # tempfile.mkstemp of earlier versions
    old_report = tmp_path / ".report-k2j4h5g6.pdf"
    young = tmp_path / ".c.sbrt.json.fedcba9876543210.sbrt-tmp"
    user_files = [tmp_path / ".hidden-notes.txt", tmp_path / "report-final.pdf"]
    for f in (old_ours, old_legacy, old_report, young, *user_files):
        f.write_bytes(b"x" * 100)
    stale = time.time() - 2 * atomic_write.STALE_AFTER_S
    for f in (old_ours, old_legacy, old_report, *user_files):
        os.utime(f, (stale, stale))
    save_case(_case(), tmp_path / "c.sbrt.json")                 # any save cleans its folder
    names = {f.name for f in tmp_path.iterdir()}
    assert not {old_ours.name, old_legacy.name, old_report.name} & names
    assert young.name in names and all(f.exists() for f in user_files)
    assert cleanup_leftovers(tmp_path, max_age_s=0) == 1 and not young.exists()


# --- the CLI report on a full disk, onto its own input -------------------------------------------------

@pytest.fixture
def saved_case(tmp_path: Path) -> Path:
    return save_case(_case("report case"), tmp_path / "case.sbrt.json")


def test_report_on_full_disk_fails_cleanly_and_keeps_the_old_pdf(saved_case: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    pdf = tmp_path / "r.pdf"
    assert main(["report", str(saved_case), "-o", str(pdf)]) == 0
    good = pdf.read_bytes()
    assert good.startswith(b"%PDF") and b"%%EOF" in good[-1024:]
    capsys.readouterr()
    monkeypatch.setattr(os, "write", _fail_with(errno.ENOSPC))
    code = main(["report", str(saved_case), "-o", str(pdf)])
    monkeypatch.undo()
    out, err = capsys.readouterr()
    assert code == 2 and "wrote" not in out
    assert err.count("\n") == 1 and str(pdf) in err and "disk is full" in err
    assert pdf.read_bytes() == good                               # the previous good PDF, not 0 bytes


def test_report_refuses_its_own_input_and_any_non_pdf(saved_case: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    as_pdf = tmp_path / "case.pdf"
    as_pdf.write_bytes(saved_case.read_bytes())
    before = as_pdf.read_bytes()
    assert main(["report", str(as_pdf), "-o", str(as_pdf)]) == 2
    assert "own input" in capsys.readouterr().err
    assert main(["report", str(saved_case), "-o", str(tmp_path / "." / "case.pdf")]) == 2
    assert "not a PDF" in capsys.readouterr().err
    assert as_pdf.read_bytes() == before
    assert load_case(as_pdf).title == "report case"


# --- kills in a real subprocess ---------------------------------------------------------------------------

SAVER = textwrap.dedent("""
    import sys
    from sbrt_calc.case import Case, CaseRegimen, save_case
    from sbrt_calc.regimen import parse_regimen
    rows = tuple(CaseRegimen.from_regimen(parse_regimen(f"{30 + i % 20}/3"), note="n" * 200) for i in range(3000))
    i = 0
    print("READY", flush=True)
    while True:
        i += 1
        save_case(Case(f"v{i}", None, rows), sys.argv[1])
        if i == 1:
            print("SAVED", flush=True)
""")


def test_kill_during_save_never_corrupts_and_leftovers_go(tmp_path: Path) -> None:
    target = tmp_path / "k.sbrt.json"
    kills = 8
    for k in range(kills):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(target)], stdout=subprocess.PIPE, text=True,
                                cwd=tmp_path)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
        if k == 0:   # on a loaded machine the first save can outlast every delay: kill only after a complete one
            assert proc.stdout.readline().strip() == "SAVED" and target.exists()
        time.sleep(0.15 + 0.05 * k)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
        if target.exists():
            case = load_case(target)                                   # old or new, never half
            assert case.title.startswith("v") and len(case.regimens) == 3000
    assert target.exists()
    stale = time.time() - 2 * atomic_write.STALE_AFTER_S
    for f in tmp_path.glob(".*.sbrt-tmp"):
        os.utime(f, (stale, stale))
    save_case(_case(), target)
    assert not list(tmp_path.glob(".*.sbrt-tmp"))


def test_kill_during_report_leaves_the_old_pdf_or_none(saved_case: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "r.pdf"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    cmd = [sys.executable, "-m", "sbrt_calc.cli.main", "report", str(saved_case), "-o", str(pdf)]
    for delay in (0.3, 0.8, 1.5):
        proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        if pdf.exists():
            data = pdf.read_bytes()
            assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]
    assert not [f for f in tmp_path.iterdir() if f.name.startswith(".") and f.stat().st_size == 0]


# --- issue 20: no writer replaces one of its inputs or a file of another kind -----------------------------------

_DICOM = b"\0" * 128 + b"DICM" + b"\x02\x00\x00\x00UL\x04\x00" + b"\0" * 64
_KINDS = {"rtdose.dcm": _DICOM, "report.pdf": b"%PDF-1.4\n%%EOF\n", "plot.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 32,
          "eligibility.toml": b'[[lesions]]\nsite = "bone"\n', "sheet.xlsx": b"PK\x03\x04" + b"\0" * 30,
          "data.json": b'{"a": 1}\n', "notes.txt": b"plain notes\n"}


def _grep_writers() -> list[str]:
    """Every place in the core and the app that writes a file without the atomic writer."""
    import re

    root = Path(__file__).resolve().parent.parent
    pattern = re.compile(r"""open\([^)]*["'][wax]b?\+?["']|\.write_(?:text|bytes)\(|savefig\((?!buf)|QSaveFile|"""
                         r"""QFile\(|shutil\.(?:copy|move)|\.tofile\(|json\.dump\(""")
    hits = []
    for folder in ("sbrt_calc", "gui"):
        for p in sorted((root / folder).rglob("*.py")):
            if p.name in ("atomic_write.py", "session_lock.py"):
                continue
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line) and not line.lstrip().startswith("#"):
                    hits.append(f"{p.relative_to(root)}:{i}: {line.strip()}")
    return hits


def test_every_writer_goes_through_the_atomic_writer() -> None:
    """grep: no plain open(..., "w"), write_text, savefig to a path, QFile... outside atomic_write.py
    (check-plan --dvh-csv opened its output with open(..., "w") and replaced its own RT Dose)."""
    hits = _grep_writers()
    assert not hits, hits


@pytest.mark.parametrize("name", sorted(_KINDS))
def test_a_case_save_never_replaces_a_file_of_another_kind(tmp_path: Path, name: str) -> None:
    """Save As over an RT Dose, a PDF, the eligibility TOML it came from...: replaced silently before."""
    p = tmp_path / name
    p.write_bytes(_KINDS[name])
    with pytest.raises(WriteError, match="it exists and is .*choose another name"):
        save_case(_case(), p)
    assert p.read_bytes() == _KINDS[name]


def test_a_case_save_replaces_a_case_or_an_empty_file(tmp_path: Path) -> None:
    p = save_case(_case("old"), tmp_path / "c.json")
    assert load_case(save_case(_case("new"), p)).title == "new"
    (tmp_path / "empty.sbrt.json").write_bytes(b"")
    assert load_case(save_case(_case("e"), tmp_path / "empty.sbrt.json")).title == "e"


@pytest.mark.parametrize(("kind", "name", "ok"), [
    ("csv", "rtdose.dcm", False), ("csv", "report.pdf", False), ("csv", "data.json", False),
    ("csv", "eligibility.toml", False), ("csv", "notes.txt", True), ("csv", "sheet.xlsx", False),
    ("pdf", "plot.png", False), ("pdf", "report.pdf", True), ("png", "report.pdf", False), ("png", "plot.png", True),
    ("svg", "notes.txt", False),
])
def test_each_output_kind_replaces_only_its_own_kind(tmp_path: Path, kind: str, name: str, ok: bool) -> None:
    p = tmp_path / name
    p.write_bytes(_KINDS[name])
    if ok:
        write_bytes_atomic(p, b"new", kind=kind)
        assert p.read_bytes() == b"new"
    else:
        with pytest.raises(WriteError, match="choose another name"):
            write_bytes_atomic(p, b"new", kind=kind)
        assert p.read_bytes() == _KINDS[name]


def test_an_output_never_replaces_its_input_even_through_a_symlink(tmp_path: Path) -> None:
    src = tmp_path / "dvh_input.csv"
    src.write_text("a,b\n", encoding="utf-8")
    link = tmp_path / "out.csv"
    link.symlink_to(src)
    for target in (src, link):
        with pytest.raises(WriteError, match="one of this output's inputs"):
            write_text_atomic(target, "x\n", kind="csv", inputs=(str(src),))
    assert src.read_text(encoding="utf-8") == "a,b\n"


def test_the_apps_table_and_dvh_exports_refuse_a_case_or_their_dicom(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    """The app's CSV exports (regimens table, DVH) went over anything chosen in the dialog."""
    pytest.importorskip("PySide6")
    from types import SimpleNamespace

    from sbrt_calc.gui.plan_check_panel import PlanCheckPanel
    from sbrt_calc.gui.table_export import write_csv

    from sbrt_calc.evaluation import evaluate_regimens

    case = save_case(_case("kept"), tmp_path / "kept.sbrt.json")
    before = case.read_bytes()
    with pytest.raises(WriteError, match="is an sbrt-calc case file"):
        write_csv(SimpleNamespace(evaluation=lambda: evaluate_regimens([parse_regimen("36/3")])), case)
    assert case.read_bytes() == before
    dose = tmp_path / "rtdose.dcm"
    dose.write_bytes(_DICOM)
    (tmp_path / "dose_link.csv").symlink_to(dose)
    panel = PlanCheckPanel()
    qtbot.addWidget(panel)
    panel._result = SimpleNamespace(structures=[])
    panel._inputs = SimpleNamespace(rtdose=str(dose), rtstruct=str(tmp_path / "s.dcm"), rtplan=None)
    for target in (dose, tmp_path / "dose_link.csv"):
        with pytest.raises(WriteError, match="one of this output's inputs"):
            panel.export_dvh_csv(str(target))
    assert dose.read_bytes() == _DICOM
