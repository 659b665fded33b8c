#!/usr/bin/env python3
"""Screenshots of each view of the desktop app under Xvfb -> screenshots/out/*.png.

Usage: python scripts/screenshots.py [--out DIR] [--only clinical] [--size 1024x768|1280x800|1920x1080]
       [--scale 2]

``--size`` sets the screen (default 1280x800) and the window fills it; ``--scale`` sets
QT_SCALE_FACTOR (``--size 1920x1080 --scale 2`` is a high-density screen). ``--all-sizes`` takes
the three sizes of issue 13 (1024x768, 1280x800, 1920x1080 at scale 2) into OUT/<size>/.
Starts its own X server (``Xvfb :99 -screen 0 WxHx24``; needs the xvfb package and
Qt's xcb libraries, see the README), runs the app on it with throw-away settings and
autosave folders, and grabs the whole screen for each view: the workbench on first start,
all three models side by side, invalid input, a sweep, the dark palette, the eligibility
and planning views, the dialogs (sweep, preferences, about, help, solver, print preview, report),
the working undocked at full precision, and the first report
pages (pdftoppm); and the eligibility and planning views of three clinical cases (issue 11):
a CNS case, a central lung case and a spine case (``examples/case_alk_cns.toml``,
``case_egfr_central_lung.toml``, ``case_io_spine.toml``). ``--only clinical`` takes just those.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1280, 800)
#: the sizes of issue 13: a small laptop, a common laptop, a high-density screen (2x)
THREE_SIZES: tuple[tuple[tuple[int, int], float], ...] = (((1024, 768), 1.0), ((1280, 800), 1.0), ((1920, 1080), 2.0))


CLINICAL_CASES = (
    ("cns", "case_alk_cns.toml", {"ptv_cc": 2.5}),
    ("central-lung", "case_egfr_central_lung.toml", {"ptv_cc": 30.0, "r50": 4.4, "d2cm_percent": 60.0, "r100": 1.15}),
    ("spine", "case_io_spine.toml", {"ptv_cc": 25.0, "r50": 4.6}),
)


def clinical_cases(w: object, shot: object, settle: object) -> None:
    """Eligibility and planning views of the CNS, central lung and spine cases (issue 11)."""
    from dataclasses import replace

    from sbrt_calc.gui.eligibility_panel import lesion_facts

    from sbrt_calc.eligibility.case import load_case
    from sbrt_calc.planning.section import plan_lesion

    for n, (name, file, metrics) in enumerate(CLINICAL_CASES):
        case = load_case(ROOT / "examples" / file)
        w.new_case(ask=False)  # type: ignore[attr-defined]
        e = w.eligibility  # type: ignore[attr-defined]
        w.tabs.setCurrentWidget(e)  # type: ignore[attr-defined]
        e.load_section({"case": case.to_dict()})
        index = next(i for i, x in enumerate(case.lesions) if x.is_progressing)
        e.lesion_table.selectRow(index)
        shot(f"2{n}a-eligibility-{name}")  # type: ignore[operator]
        bar = e.browser.verticalScrollBar()
        bar.setValue(int(bar.maximum() * 0.25))
        shot(f"2{n}b-eligibility-{name}-lesions")  # type: ignore[operator]
        p = w.planning  # type: ignore[attr-defined]
        p.set_lesions(e.lesion_choices(), lesion_facts(e.form))
        new, _choice = plan_lesion(p.inputs, index, case.lesions[index])
        if new.cumulative is not None:
            # thecal sac point maximum per course: 20 Gy/5 palliative, then the planned SBRT's 12 Gy/2
            new = replace(new, cumulative=replace(new.cumulative, courses=("20/5", "12/2"), interval_months=14.0))
        if new.regimen:
            w.entry.setText(new.regimen)  # type: ignore[attr-defined]
            w.add_from_entry()  # type: ignore[attr-defined]
        p.set_inputs(replace(new, **metrics))
        w.tabs.setCurrentWidget(p)  # type: ignore[attr-defined]
        shot(f"2{n}c-planning-{name}")  # type: ignore[operator]
        pb = p.browser.verticalScrollBar()
        # the spine case: the re-irradiation checks; the others: the organ-at-risk limits
        pb.setValue(int(pb.maximum() * (0.2 if new.cumulative is not None else 0.3)))
        shot(f"2{n}d-planning-{name}-more")  # type: ignore[operator]
        settle(50)  # type: ignore[operator]


def run_under_xvfb(out: Path, only: str | None = None, size: tuple[int, int] = SIZE, scale: float = 1.0) -> int:
    xvfb = shutil.which("Xvfb")
    if not xvfb:
        print("screenshots: Xvfb not found (apt-get install xvfb)", file=sys.stderr)
        return 2
    display = ":99"
    for n in range(99, 120):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            display = f":{n}"
            break
    server = subprocess.Popen([xvfb, display, "-screen", "0", f"{size[0]}x{size[1]}x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{display[1:]}").exists():
                break
            time.sleep(0.05)
        with tempfile.TemporaryDirectory(prefix="sbrt-shots-") as tmp:
            env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", SBRT_CALC_SETTINGS_DIR=f"{tmp}/settings",
                       SBRT_CALC_DATA_DIR=f"{tmp}/data", SBRT_CALC_RECOVER="no", QT_SCALE_FACTOR=f"{scale:g}")
            extra = (["--only", only] if only else []) + ["--size", f"{size[0]}x{size[1]}", "--scale", f"{scale:g}"]
            return subprocess.call([sys.executable, __file__, "--inner", "--out", str(out), *extra], env=env)
    finally:
        server.terminate()
        server.wait(timeout=10)


def close_and_list(w: Any, shots: list[str], settle: Any) -> int:
    """Close the window without asking (its edits are the script's), print the shots taken; exit status 0."""
    from PySide6.QtCore import QTimer

    w.undo_stack.setClean()
    QTimer.singleShot(0, w.close)
    settle(100)
    print("\n".join(shots))
    return 0


def inner(out: Path, only: str | None = None, size: tuple[int, int] = SIZE, scale: float = 1.0) -> int:
    from PySide6.QtGui import QColor, QGuiApplication, QPalette
    from PySide6.QtWidgets import QApplication, QStyleFactory

    app = QApplication([sys.argv[0]])
    from sbrt_calc.gui.main_window import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    shots: list[str] = []

    def settle(ms: int = 150) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        # a new view of the plot is drawn off the GUI thread: the shot shows it once it is in
        for top in QApplication.topLevelWidgets():
            plot = getattr(top, "plot", None)
            if plot is not None and hasattr(plot, "wait_for_render"):
                plot.wait_for_render()
                app.processEvents()

    def centre(dialog: object) -> None:
        """Put a dialog in the middle of the window (the screen size varies)."""
        dialog.show()  # type: ignore[attr-defined]
        settle(50)
        g = dialog.frameGeometry()  # type: ignore[attr-defined]
        dialog.move(max(0, (w.width() - g.width()) // 2), max(0, (w.height() - g.height()) // 2))  # type: ignore[attr-defined]

    def shot(name: str) -> None:
        settle()
        pix = QGuiApplication.primaryScreen().grabWindow(0)
        path = out / f"{name}.png"
        pix.save(str(path))
        shots.append(str(path))

    if only == "workbench":
        return workbench_shots(app, out, shots, settle, shot)
    w = MainWindow()
    # the window sizes itself to the screen (issue 21: 90 % of a large screen, nearly all of a small one)
    w.show()
    settle(300)
    if only == "report":
        w.plot.ensure_canvas()
        w.set_model("all")
        w.select_row(0)
        shot("01-workbench-all-models")
        part_two(w, out, shots, shot, centre)
        return close_and_list(w, shots, settle)
    if only == "clinical":
        clinical_cases(w, shot, settle)
        return close_and_list(w, shots, settle)
    w.plot.ensure_canvas()
    w.select_row(0)
    shot("01-workbench-first-start")

    w.set_model("all")
    w.select_row(2)
    shot("02-all-models-side-by-side")
    w.act_undo.trigger()

    w.model.setData(w.current_index(1, "total_dose_gy"), "3O")
    w.entry.setText("3x18")
    w.add_from_entry()
    w.select_row(1)
    shot("03-invalid-input")
    w.act_undo.trigger()
    w.entry.clear()
    w.bench.set_entry_status("", error=False)

    from sbrt_calc.gui.sweep_dialog import SweepDialog

    dlg = SweepDialog(w)
    dlg.set_ranges(24, 48, 6, 3, 6)
    centre(dlg)
    dlg.show()
    shot("04-sweep-dialog")
    w.sweep(dlg)
    dlg.close()
    w.select_row(10)
    shot("05-after-sweep")

    from sbrt_calc.gui.preferences_dialog import PreferencesDialog

    prefs = PreferencesDialog(w)
    centre(prefs)
    prefs.show()
    shot("06-preferences")
    prefs.close()

    from sbrt_calc.gui.model_settings_dialog import ModelSettingsDialog

    msd = ModelSettingsDialog(w.model.settings(), w)
    centre(msd)
    msd.show()
    shot("06b-model-settings")
    msd.close()

    about = w.about(show_modal=False)
    centre(about)
    about.show()
    shot("07-about")
    about.close()

    # issue 13: the help page (F1), the solver, the print preview, the working undocked
    page = w.show_help(show=False)
    centre(page)
    page.show()
    shot("07b-help")
    page.close()
    solver = w.solver(show=False)
    solver.set_inputs(model="lq", target_bed_gy=100.0, fractions="3-6")
    centre(solver)
    solver.show()
    shot("07c-solver")
    solver.close()
    preview = w.print_report(dialog=False)
    preview.show()
    preview.setGeometry(w.width() // 20, w.height() // 20, int(w.width() * 0.9), int(w.height() * 0.9))
    shot("07d-print-preview")
    preview.close()
    w.select_row(0)
    w.full_precision.setChecked(True)
    w.working_dock.setFloating(True)
    w.working_dock.resize(int(w.width() * 0.6), int(w.height() * 0.7))
    w.working_dock.move(w.width() // 5, w.height() // 8)
    shot("07e-working-undocked-full-precision")
    w.working_dock.setFloating(False)
    w.full_precision.setChecked(False)

    # part 2: eligibility, planning, the report
    part_two(w, out, shots, shot, centre)

    # dark palette (Fusion): the translucent marks must stay legible
    app.setStyle(QStyleFactory.create("Fusion"))
    dark = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e0e0e0"),
                         (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.AlternateBase, "#2a2a2a"),
                         (QPalette.ColorRole.Text, "#e0e0e0"), (QPalette.ColorRole.Button, "#353535"),
                         (QPalette.ColorRole.ButtonText, "#e0e0e0"), (QPalette.ColorRole.Highlight, "#2f65ca"),
                         (QPalette.ColorRole.HighlightedText, "#ffffff"), (QPalette.ColorRole.ToolTipBase, "#353535"),
                         (QPalette.ColorRole.ToolTipText, "#e0e0e0"),
                         (QPalette.ColorRole.PlaceholderText, "#9a9a9a")):
        dark.setColor(role, QColor(colour))
    app.setPalette(dark)
    w.new_case(ask=False)
    w.model.setData(w.current_index(2, "fractions"), "3.5")
    w.select_row(0)
    shot("16-dark-palette")
    w.tabs.setCurrentWidget(w.eligibility)
    shot("17-dark-eligibility")

    app.setPalette(QPalette())
    app.setStyle(QStyleFactory.create("Fusion"))
    clinical_cases(w, shot, settle)

    return close_and_list(w, shots, settle)


def part_two(w: Any, out: Path, shots: list[str], shot: Any, centre: Any) -> None:
    """Eligibility, planning (the spine's organs first, the rest folded then shown), the report dialog, the print
    preview and every report page (pdftoppm)."""
    w.new_case(ask=False)
    e = w.eligibility
    w.tabs.setCurrentWidget(e)
    shot("08-eligibility-empty")
    for key, value in (("therapy_class", "tki"), ("driver", "EGFR"), ("ecog", 1), ("months_on_therapy", 14.0),
                       ("other_disease_controlled", True), ("staging_complete", True), ("agent", "osimertinib")):
        e.set_value(key, value)
    e.add_lesion("spine", label="T10 vertebra", size_mm=22.0, previously_irradiated=True)
    e.add_lesion("adrenal", label="left adrenal")
    e.add_lesion("lung", "stable", label="RUL primary")
    e.months.setText("abc")
    e._months_edited("abc")
    shot("09-eligibility-cns-missing-invalid-months")
    e.months.setText("14")
    e._months_edited("14")
    e.set_value("cns_imaging_done", True)
    e.lesion_table.selectRow(0)
    shot("10-eligibility-eligible")
    w.send_lesion_to_planning(0)
    from dataclasses import replace

    from sbrt_calc.planning.section import CumulativeInputs

    p = w.planning
    p.set_inputs(replace(p.inputs, ptv_cc=20.0, r50=6.0, d2cm_percent=55.0, r100=1.1))
    shot("11-planning-conformity")
    def scroll_to(needle: str) -> None:
        from PySide6.QtGui import QTextCursor

        p.browser.moveCursor(QTextCursor.MoveOperation.Start)
        p.browser.find(needle)
        bar = p.browser.verticalScrollBar()
        bar.setValue(bar.value() + p.browser.cursorRect().top() - 8)
        cursor = p.browser.textCursor()
        cursor.clearSelection()   # found, not selected: the shot shows the page as the user sees it
        p.browser.setTextCursor(cursor)

    p.all_organs.setChecked(False)
    scroll_to("Organ-at-risk limits")
    shot("11b-planning-organs-folded")
    p.all_organs.setChecked(True)
    scroll_to("Organ-at-risk limits")
    shot("11c-planning-all-organs")
    p.all_organs.setChecked(False)
    p.browser.verticalScrollBar().setValue(0)
    p.set_inputs(replace(p.inputs, regimen="24/2",
                         cumulative=CumulativeInputs(courses=("20/5", "24/2"), interval_months=8.0)))
    p.browser.verticalScrollBar().setValue(p.browser.verticalScrollBar().maximum())
    shot("12-planning-cumulative")
    p.set_inputs(replace(p.inputs, fractions=4))
    p.browser.verticalScrollBar().setValue(0)
    shot("13-planning-converted-limits")

    from sbrt_calc.gui.report_export import ReportExportDialog

    rdlg = ReportExportDialog("T10 and left adrenal", "case-0042", str(out / "report.pdf"), w)
    centre(rdlg)
    rdlg.show()
    shot("14-report-dialog")
    rdlg.close()
    w.set_case_info("T10 and left adrenal", "case-0042")
    w.state.set_people({"patient_reference": "PR-0042", "prepared_by": "Dr A", "checked_by": "Phys B"})
    preview = w.print_report(dialog=False)
    preview.show()
    preview.setGeometry(w.width() // 20, w.height() // 20, int(w.width() * 0.9), int(w.height() * 0.9))
    shot("14b-print-preview-planning")
    preview.close()
    pdf = w.export_report(str(out / "report.pdf"), "A4")
    if pdf and shutil.which("pdftoppm"):
        subprocess.call(["pdftoppm", "-png", "-r", "80", pdf, str(out / "15-report-page")])
        shots.extend(str(x) for x in sorted(out.glob("15-report-page*.png")))
    w.tabs.setCurrentIndex(0)


def workbench_shots(app: object, out: Path, shots: list[str], settle: object, shot: object) -> int:
    """The Regimens tab only (issue 21): the first frame of a cold start (before the case fills it), the
    filled window, LQ-L and USC alone, after a sweep, an invalid row, rows added by the solver."""
    from sbrt_calc.gui.main_window import MainWindow

    w = MainWindow(deferred=True)   # as the app starts: shown empty, then filled
    w.show()
    app.processEvents()  # type: ignore[attr-defined]
    shot("w00-first-frame")  # type: ignore[operator]
    first_shot = shot

    def shot(name: str) -> None:   # a first visit to a model draws its plot first: the table repaints after it
        settle(800)  # type: ignore[operator]
        first_shot(name)  # type: ignore[operator]
    w.finish_start(None)
    w.working.release()   # as the app does after the filled table's paint (gui/app.py)
    w.plot.ensure_canvas()
    w.select_row(0)
    shot("w01-filled")  # type: ignore[operator]
    w.set_model("lql")
    shot("w02-lql")  # type: ignore[operator]
    w.set_model("usc")
    shot("w03-usc")  # type: ignore[operator]
    w.set_model("lq")
    from sbrt_calc.gui.sweep_dialog import SweepDialog

    dlg = SweepDialog(w)
    dlg.set_ranges(24, 50, 6, 3, 6)
    w.sweep(dlg)
    dlg.close()
    w.select_row(10)
    shot("w04-after-sweep")  # type: ignore[operator]
    w.set_model("lql")
    shot("w05-after-sweep-lql")  # type: ignore[operator]
    w.set_model("lq")
    w.new_case(ask=False)
    w.model.setData(w.current_index(1, "total_dose_gy"), "3O")
    w.select_row(1)
    shot("w06-invalid-row")  # type: ignore[operator]
    w.new_case(ask=False)
    solver = w.solver(show=False)
    solver.set_inputs(model="lq", target_bed_gy=100.0, fractions="3-5")
    solver.add_chosen()
    solver.close()
    w.select_row(w.model.rowCount() - 1)
    shot("w07-solver-rows")  # type: ignore[operator]
    w.entry.setText("20/1; 30/2; 60/8; 60/10")
    w.add_from_entry()
    w.set_model("lql")
    shot("w08-one-two-eight-fractions-lql")  # type: ignore[operator]
    w.set_model("all")
    w.table.scrollTo(w.model.index(0, w.model.column_of("warnings")))
    shot("w09-all-models-warnings")  # type: ignore[operator]
    return close_and_list(w, shots, settle)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots" / "out")
    parser.add_argument("--only", choices=("clinical", "workbench", "report"),
                        help="only the clinical cases (issue 11), only the Regimens tab (issue 21), or only "
                             "planning, print preview and the report's pages (issue 21)")
    parser.add_argument("--size", type=_size, default=SIZE, help="screen size WxH (default 1280x800)")
    parser.add_argument("--scale", type=float, default=1.0, help="QT_SCALE_FACTOR (2 for a high-density screen)")
    parser.add_argument("--all-sizes", action="store_true", help="1024x768, 1280x800 and 1920x1080 at scale 2, "
                        "each into OUT/<size>/")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        return inner(args.out, args.only, args.size, args.scale)
    if args.all_sizes:
        rc = 0
        for size, scale in THREE_SIZES:
            rc |= run_under_xvfb(args.out / f"{size[0]}x{size[1]}", args.only, size, scale)
        return rc
    return run_under_xvfb(args.out, args.only, args.size, args.scale)


def _size(text: str) -> tuple[int, int]:
    w, _, h = text.lower().partition("x")
    try:
        return int(w), int(h)
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must be WIDTHxHEIGHT, e.g. 1024x768, got {text!r}") from None


if __name__ == "__main__":
    raise SystemExit(main())
