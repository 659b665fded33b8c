"""``sbrt-calc reirradiation``: courses summed voxel by voxel in EQD2, cumulative limits graded (issue 22).

    sbrt-calc reirradiation --course OLD.dcm:10 --course NEW.dcm:3 --rtstruct RS.dcm \\
        [--fractions-new 1 3 5] [--interval-months M] [--model lq|lql] \\
        [--eqd2-dose OUT.dcm] [--dvh-csv DVH.csv] [--format table|json]

Each ``--course`` is an RT Dose with its fraction count (``RTDOSE:FRACTIONS``, or
``RTDOSE:FRACTIONS:PRESCRIPTION_GY`` for a RELATIVE dose grid), oldest first; the last is the new
course, whose grid and RT Structure Set everything is computed on. ``--rtplan PLAN.dcm`` after a
``--course`` gives that course's RT Plan: its Number of Fractions Planned is the fraction count when
the course gives none (``--course RTDOSE --rtplan PLAN.dcm``) and must equal the one given. Exit 0 when every limit was
checked and passed, 1 when one fails or could not be completed, 2 for bad input (one line).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from sbrt_calc.cli.models_args import non_negative_float
from sbrt_calc.cli.output import add_format_argument

_COURSE = re.compile(r"^(.+?):(\d+)(?::(\d+(?:\.\d*)?|\.\d+))?$")


def register(sub: Any) -> None:
    p = sub.add_parser("reirradiation", help="re-irradiation: courses summed voxel by voxel in EQD2, limits graded",
                       description="Sum two or more courses' RT Doses voxel by voxel in EQD2 (each with its fraction "
                       "count and the alpha/beta of each structure), grade the cumulative dose against the "
                       "re-irradiation limits of the presets, and find the largest new course that fits. The last "
                       "--course is the new one. No recovery discount is offered. Exit 1 if a limit fails or "
                       "cannot be checked.")
    p.add_argument("--course", action=_CourseAction, required=True, metavar="RTDOSE[:FRACTIONS[:PRESCRIPTION_GY]]",
                   help="an RT Dose and its fraction count, oldest first, the new course last; a RELATIVE dose grid "
                        "also needs its prescription in Gy; without a fraction count, --rtplan must follow")
    p.add_argument("--rtplan", action=_PlanAction, dest="course", metavar="PLAN.dcm", default=argparse.SUPPRESS,
                   help="the RT Plan of the --course just before it: its Number of Fractions Planned is the course's "
                        "fraction count when none is given, and must equal the one given")
    p.add_argument("--rtstruct", required=True, metavar="RS.dcm", help="the new course's RT Structure Set")
    p.add_argument("--fractions-new", type=int, nargs="+", default=[], metavar="N",
                   help="fraction counts for which to find the largest scale of the new plan's dose that fits")
    p.add_argument("--interval-months", type=non_negative_float, metavar="M",
                   help="months since the previous course (checked against the limit's minimum)")
    p.add_argument("--model", choices=["lq", "lql"], default="lq",
                   help="model of the summed map and DVHs (default lq); limits are graded in LQ, their scale, and "
                        "checked under LQ-L too")
    p.add_argument("--registration", metavar="REG.dcm",
                   help="a rigid DICOM Spatial Registration relating an earlier course's frame of reference to the new "
                        "course's (a deformable one is refused)")
    p.add_argument("--no-new-plan", action="store_true",
                   help="there is no new plan yet: every --course is an earlier one (one or more; the last one's grid "
                        "is the grid of the sum) and --fractions-new gives the largest uniform prescription to the "
                        "target's voxels")
    p.add_argument("--target", metavar="NAME",
                   help="with --no-new-plan: the target structure (default: every structure typed or named PTV)")
    p.add_argument("--eqd2-dose", metavar="OUT.dcm", help="write the summed EQD2 map as an RT Dose")
    p.add_argument("--dvh-csv", metavar="DVH.csv", help="write the cumulative EQD2 DVHs as CSV")
    add_format_argument(p, ("table", "json"))
    p.set_defaults(func=run)


class _CourseAction(argparse.Action):
    """``--course SPEC``: appends ``[SPEC, None]`` (its RT Plan set by a following ``--rtplan``)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        courses = list(getattr(namespace, self.dest, None) or [])
        courses.append([values, None])
        setattr(namespace, self.dest, courses)


class _PlanAction(argparse.Action):
    """``--rtplan PLAN``: the RT Plan of the ``--course`` just before it."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        from sbrt_calc.cli.main import UsageError

        courses = list(getattr(namespace, self.dest, None) or [])
        if not courses:
            raise UsageError(f"reirradiation: --rtplan {values}: give it after the --course it belongs to")
        if courses[-1][1] is not None:
            raise UsageError(f"reirradiation: --rtplan {values}: the course {courses[-1][0]} already has the RT Plan "
                             f"{courses[-1][1]}; one RT Plan per course")
        courses[-1] = [courses[-1][0], values]
        setattr(namespace, self.dest, courses)


def parse_course(spec: str, rtplan: str | None = None) -> tuple[str, int | None, float | None]:
    """``RTDOSE:FRACTIONS[:PRESCRIPTION_GY]`` (or ``RTDOSE`` alone with *rtplan*) -> (path, fractions or None,
    prescription or None)."""
    from sbrt_calc.cli.main import UsageError

    m = _COURSE.match(spec)
    if not m:
        if rtplan is not None and ":" not in Path(spec).name:
            return spec, None, None   # the count from the RT Plan (load_course)
        raise UsageError(f"reirradiation: --course {spec}: give the RT Dose and its fraction count as "
                         "RTDOSE:FRACTIONS (e.g. rtdose.dcm:5), or RTDOSE:FRACTIONS:PRESCRIPTION_GY for a relative "
                         "dose grid, or RTDOSE followed by --rtplan PLAN.dcm")
    rx = float(m.group(3)) if m.group(3) else None
    return m.group(1), int(m.group(2)), rx


def run(args: argparse.Namespace) -> int:
    from sbrt_calc.cli.lazy_pydicom import import_pydicom

    import_pydicom()  # before the readers: pydicom without the modules it runs and this command never uses
    from sbrt_calc.atomic_write import check_replaceable, write_text_atomic
    from sbrt_calc.cli.main import UsageError
    from sbrt_calc.cli.output import emit, table, to_csv, to_json
    from sbrt_calc.plancheck.dicom_io import read_rtstruct
    from sbrt_calc.plancheck.dvh import dvh_csv_rows
    from sbrt_calc.reirradiation.courses import load_course, read_registration
    from sbrt_calc.reirradiation.evaluate import evaluate_reirradiation
    from sbrt_calc.reirradiation.export import _check_target, write_eqd2_dose

    plans = [plan for _, plan in args.course]
    specs = [parse_course(s, plan) for s, plan in args.course]
    if len(specs) < 2 and not args.no_new_plan:
        raise UsageError("reirradiation: give two or more --course (earlier ones first, the new course last), or "
                         "--no-new-plan with the earlier courses")
    if args.target and not args.no_new_plan:
        raise UsageError("reirradiation: --target is for --no-new-plan (the largest uniform prescription to it)")
    inputs = tuple([p for p, _, _ in specs] + [args.rtstruct] + [p for p in plans if p]
                   + ([args.registration] if args.registration else []))
    registration = read_registration(args.registration) if args.registration else None
    if args.dvh_csv:
        check_replaceable(args.dvh_csv, "csv", inputs)
    if args.eqd2_dose:
        _check_target(args.eqd2_dose, inputs)
    courses = [load_course(p, n, prescription_gy=rx, label=f"course {i}: {Path(p).name}", rtplan=plan)
               for i, ((p, n, rx), plan) in enumerate(zip(specs, plans, strict=True), start=1)]
    structures = read_rtstruct(args.rtstruct)
    r = evaluate_reirradiation(courses, structures, fractions_new=args.fractions_new,
                               interval_months=args.interval_months, model=args.model, registration=registration,
                               new_plan=not args.no_new_plan, target=args.target)
    written: dict[str, str] = {}
    if args.eqd2_dose:
        written["eqd2_dose"] = str(write_eqd2_dose(args.eqd2_dose, r, inputs))
    if args.dvh_csv:
        headers, rows = dvh_csv_rows([s.dose for s in r.structures])
        written["dvh_csv"] = str(write_text_atomic(args.dvh_csv, to_csv(headers, rows), kind="csv", inputs=inputs))
    if args.format == "json":
        out = r.as_dict()
        out["files_written"] = written
        emit(to_json(out))
    else:
        from sbrt_calc.text_safety import terminal_safe

        lines = [f"Re-irradiation: {len(r.courses)} courses summed in EQD2 on {terminal_safe(r.courses[-1].label)}'s "
                 f"grid - status {r.status}", ""]
        rows = [[terminal_safe(c.label), str(c.fractions),
                 "new" if r.new_plan and i == len(r.courses) - 1 else "previous",
                 f"{float(c.grid.dose.max()):.2f}"] for i, c in enumerate(r.courses)]
        lines += [table(["Course", "n", "", "Dmax [Gy]"], rows, align="lrll"), ""]
        rows = [[terminal_safe(s.name), f"{s.alpha_beta.alpha_beta_gy:g}",
                 "-" if s.dose.max_gy is None else f"{s.dose.max_gy:.2f}",
                 ", ".join(f"{100 * v:.1f}%" for v in s.outside_previous.values()) or "-"] for s in r.structures]
        lines += [table(["Structure", "a/b [Gy]", "cum. EQD2 max [Gy]", "outside earlier grid"], rows,
                        align="lrrr"), ""]
        for lim in r.limits:
            lines.append(f"{lim.name} on {terminal_safe(lim.structure or '(not contoured)')}: {lim.status}"
                         f" ({lim.sensitivity}" + (f"; least favourable {lim.least_favourable.model.upper()} at "
                                                    f"alpha/beta {lim.least_favourable.alpha_beta_gy:g} Gy"
                                                    if lim.least_favourable else "") + ")")
            for c in lim.checks:
                val = "-" if c.value is None else f"{c.value:.3g}"
                lines.append(f"  {c.name}: {val} {c.unit} (limit {c.comparison} {c.limit:g}) -> {c.status}"
                             + (f"; {c.note}" if c.note else ""))
            for n in lim.notes:
                lines.append(f"  Note: {n}")
            lines.append(f"  Source: {lim.source}")
        for big in r.largest:
            sc = "-" if big.scale is None else f"{big.scale:.4f}"
            what = (f"uniform prescription {'-' if big.scale is None else f'{big.scale:.2f}'} Gy to "
                    f"{terminal_safe(big.target or '(no target)')}" if big.uniform else f"scale {sc} of the new plan's dose")
            lines.append(f"Largest new course in {big.fractions} fractions: {what}"
                         + (f" (limited by {terminal_safe(big.limiting_structure or '')}: {big.limiting_check})"
                            if big.limiting_structure else "") + f" - {big.status}")
        lines.append("")
        lines += [f"Assumption: {a}" for a in r.assumptions]
        lines += [f"Note: {terminal_safe(n)}" for n in r.notes]
        for k, v in written.items():
            lines.append(f"Written ({k}): {terminal_safe(v)}")
        emit("\n".join(lines))
    return 0 if str(r.status) == "pass" else 1
