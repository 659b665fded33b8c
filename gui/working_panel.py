"""'Show the working' for the selected row: formula with the numbers substituted, the model's
assumptions and parameters, and the sources. For residents learning it and physicists checking it.

The results printed after '=' are the core's (the same RegimenResult the table shows); the
substitutions only restate the inputs and the model's parameters.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QWidget

from sbrt_calc.presets.radiobiology import radiobiology
from sbrt_calc.radiobiology.models import MODEL_TITLES

from .regimen_table_model import RegimenTableModel, model_names

ASSUMPTIONS = {
    "lq": "Cell kill −ln S = n(αd + βd²): complete repair between fractions, no repopulation, uniform dose. "
          "Derived from conventional doses; uncertain above about 8–10 Gy per fraction.",
    "lql": "LQ up to the transition dose d_T, then the LQ curve's tangent (linear in d) above it, so the curve "
           "and its slope are continuous at d_T. The choice of d_T is a convention (6 Gy here; 2·α/β elsewhere).",
    "usc": "LQ below the transition dose D_T, the multi-target single-hit asymptote (d − Dq)/D0 above it. "
           "Parameters fitted to one NSCLC cell line (H460); at another α/β the USC shape is an extrapolation.",
}


def _escape(text: str) -> str:
    """``html.escape`` without importing :mod:`html` (its entity tables cost ~1.5 ms of start-up)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#x27;"))


def _g(x: float) -> str:
    return f"{x:.6g}"


class WorkingPanel(QTextBrowser):
    """Read-only rich text; links open in the system browser."""

    def __init__(self, model: RegimenTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.row: int | None = None
        self.setOpenExternalLinks(True)
        self.setAccessibleName("Show the working")
        self.setToolTip("How the selected row's numbers are computed: formula, parameters, sources")
        model.contentChanged.connect(self.refresh)
        model.settingsChanged.connect(self.refresh)
        self.refresh()

    def set_row(self, row: int | None) -> None:
        self.row = row
        self.refresh()

    def refresh(self) -> None:
        self.setHtml(self.html())

    # --- content -----------------------------------------------------------------------------------
    def html(self) -> str:
        m = self.model
        r = self.row
        if r is None or not 0 <= r < m.rowCount():
            return ("<h3>Show the working</h3><p>Select a row of the table (or a point of the plot) to see how its "
                    "BED, EQD2 and flag are computed: the formula with the numbers substituted, the model's "
                    "assumptions and parameters, and every source.</p>")
        row = m.rows()[r]
        if not row.is_valid:
            return (f"<h3>Row {r + 1}: invalid input</h3><p style='color:#b00'>{_escape(row.error)}</p>"
                    "<p>Correct the marked cell (or undo with Ctrl+Z); nothing is computed for this row until it "
                    "is valid, and nothing was changed silently.</p>")
        reg = row.regimen()
        res = m.results(r)
        assert res is not None
        s = m.settings()
        n, d, total = reg.fractions, reg.dose_per_fraction_gy, reg.total_dose_gy
        out = [f"<h3>Row {r + 1}: {_escape(row.label)} — {_g(total)} Gy in {n} fractions of {_g(d)} Gy</h3>"]
        flag, ref = m.thresholds
        for name in model_names(s):
            model = m.model_object(name)
            result = res.by_model[name]
            out.append(f"<h4>{MODEL_TITLES[name]} — {_escape(model.source)}</h4>")
            out.append(f"<p><i>Assumptions.</i> {_escape(ASSUMPTIONS[name])}</p>")
            params = ", ".join(f"{k} = {_g(v)}" for k, v in model.parameters().items())
            out.append(f"<p><i>Parameters.</i> {_escape(params)}</p><table cellspacing='2'>")
            for ab in (s.tumour_alpha_beta_gy, s.organ_alpha_beta_gy):
                out.append(self._formula_rows(name, model, n, d, ab, result.bed_gy[ab], result.eqd2_gy[ab]))
            out.append("</table>")
            for label, line, reached in ((f"{flag.label} (flag)", flag, result.bed10_above_threshold),
                                         (f"{ref.label} (reference)", ref, result.bed10_reference_reached)):
                verdict = "reached" if reached else "not reached"
                out.append(f"<p><b>{_escape(label)}:</b> BED{line.alpha_beta_gy:g} = {_g(result.bed10_gy)} Gy "
                           f"{line.comparison} {line.bed_gy:g} Gy? <b>{verdict}</b>. "
                           f"<small>Source: {_escape(line.source)}</small></p>")
        rb = res.robustness
        out.append(f"<h4>Uncertainty</h4><p>{_escape(rb.sentence())}.<br><small>Verdict: "
                   f"<b>{rb.verdict}</b>. Source of the range: {_escape(rb.source)}</small></p>")
        if res.warnings:
            items = "".join(f"<li>{_escape(w)}</li>" for w in res.warnings)
            out.append(f"<h4>Warnings</h4><ul>{items}</ul>")
        out.append("<h4>alpha/beta sources</h4><ul>")
        for ab in dict.fromkeys((s.tumour_alpha_beta_gy, s.organ_alpha_beta_gy)):
            tissues = [t for t in radiobiology().tissues if t.alpha_beta_gy == ab]
            if tissues:
                for t in tissues:
                    out.append(f"<li>α/β {ab:g} Gy — {_escape(t.name)}: {_escape(t.source)}</li>")
            else:
                out.append(f"<li>α/β {ab:g} Gy — set by the user (not a shipped tissue value)</li>")
        out.append("</ul>")
        return "".join(out)

    def _formula_rows(self, name: str, model: object, n: int, d: float, ab: float, bed: float, eqd2: float) -> str:
        dt = getattr(model, "transition_dose_gy", None)
        if name == "lq" or dt is None or d <= dt:
            where = "" if name == "lq" else f" (d = {_g(d)} ≤ d_T = {_g(dt or 0)} Gy: the LQ part)"
            bed_text = (f"BED = n·d·(1 + d/(α/β)) = {n} × {_g(d)} × (1 + {_g(d)}/{_g(ab)}) = <b>{_g(bed)} Gy</b>"
                        f"{where}")
        else:
            bed_text = (f"BED = n·[d_T(1 + d_T/(α/β)) + (1 + 2·d_T/(α/β))·(d − d_T)] = {n} × [{_g(dt)} × (1 + "
                        f"{_g(dt)}/{_g(ab)}) + (1 + 2 × {_g(dt)}/{_g(ab)}) × ({_g(d)} − {_g(dt)})] = "
                        f"<b>{_g(bed)} Gy</b> (d &gt; d_T = {_g(dt)} Gy: the linear part)")
        per2 = float(model.bed(2.0, 2.0, ab)) / 2.0  # type: ignore[attr-defined]
        eq_text = (f"EQD2 = BED / (BED of 2 Gy per fraction ÷ 2) = {_g(bed)} / {_g(per2)} = <b>{_g(eqd2)} Gy</b>"
                   + (f" (= BED / (1 + 2/{_g(ab)}))" if abs(per2 - (1 + 2 / ab)) < 1e-12 else ""))
        return (f"<tr><td valign='top'><b>α/β {_g(ab)} Gy</b></td><td>{bed_text}<br>{eq_text}</td></tr>")
