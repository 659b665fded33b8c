"""Help ▸ How to read this window (F1): the flag and its scale, the Model/α/β check, the models, the
keyboard shortcuts and the sources. Every label, scale and source comes from the core (the case's
:class:`~sbrt_calc.evaluation.EvaluationSettings` and the radiobiology presets); nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from sbrt_calc.evaluation import EvaluationSettings
from sbrt_calc.presets.radiobiology import radiobiology
from sbrt_calc.vocabulary import MODEL_NAMES

from .number_text import greek


def _e(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _src(text: str) -> str:
    """A source, escaped, without its final full stop (the sentence adds one)."""
    return _e(text.rstrip().rstrip("."))


def shortcuts(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(keys, what) for each action with a shortcut, in the platform's notation, '&' markers removed; each
    key listed once (issue 21: Redo read 'Ctrl+Shift+Z, Ctrl+Y, Ctrl+Y', the platform's list repeating one)."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for a in actions:
        names = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in a.shortcuts() if not k.isEmpty()]
        unique = [n for i, n in enumerate(names) if n not in names[:i] and n not in seen]
        seen.update(unique)
        keys = ", ".join(unique)
        if keys:
            out.append((keys, a.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")))
    return out


def help_html(s: EvaluationSettings, keys: list[tuple[str, str]]) -> str:
    """The page for the case's settings ``s`` and the window's shortcuts ``keys``."""
    flag, ref = s.flag, s.reference
    rb = radiobiology()
    t = s.tumour_alpha_beta_gy
    lo, hi = s.alpha_beta_range_gy
    fx = ", ".join(str(n) for n in s.line_regimen_fractions)
    parts = [
        "<h2>How to read this window</h2>",
        "<p>Each row of the table is a regimen (total dose in fractions). The numbers are computed by the "
        "program's core from the prescription; the table rounds them for display only (CSV, the clipboard "
        "and the working keep full precision on demand). Decision support for qualified clinicians, not a "
        "decision.</p>",
        f"<h3>The flag: {_e(flag.label)}</h3>",
        f"<p>The column <b>{_e(flag.label)}</b> reads <i>reached</i> or <i>not reached</i>: a goal, not a "
        f"warning. It is always computed on <b>{_e(flag.scale)}</b> (the column <b>BED10 LQ</b> beside the "
        f"tumour column), whichever model is shown and whatever tumour α/β is set (now {t:g} Gy). "
        f"{_e(flag.name)}. Source: {_src(flag.source)}.</p>",
        f"<p>The column <b>{_e(ref.label)}</b> is a reference, on the same scale: {_e(ref.name)}. "
        f"Source: {_src(ref.source)}.</p>",
        "<h3>The Model/α/β check</h3>",
        f"<p>Compares the row with the regimens that sit exactly on {_e(flag.label)} in {fx} fractions, "
        f"under LQ, LQ-L and USC and tumour α/β {lo:g}-{hi:g} Gy: <i>above in all</i>, <i>below in all</i>, or "
        f"<i>depends on model</i>, <i>depends on α/β</i> or <i>depends on both</i> (model and α/β), by what "
        f"changes the reading (then the flag is not robust to that assumption). "
        f"Source of the range: {_src(rb.uncertainty.source)}.</p>",
        "<h3>The models</h3><ul>",
    ]
    for m in MODEL_NAMES:
        model = s.model(m)
        parts.append(f"<li><b>{_e(model.label())}</b> - {_e(model.source)}</li>")
    parts += [
        "</ul><p>Choose the model with <b>Model</b> (Ctrl+1..4); <i>All three</i> shows them side by side. "
        "Every model's number carries the model's name in its column header. Parameters (tumour α/β, EQDx "
        "reference dose, LQ-L d_T, USC parameters, time correction): View ▸ Model settings. Solving for a dose "
        "(a target BED in n fractions, or isoeffective to a regimen): Tools ▸ Solve for a dose (Ctrl+R).</p>",
        f"<p>LQ validity: {_src(rb.lq.source)}.</p>",
        "<h3>Colours and marks</h3><p>Green: reached; amber: not reached; blue: depends on the model; red: "
        "invalid input (the reason is in the cell's tooltip and the Warnings column). Select a row or a point "
        "of the plot to see its working (View ▸ Show the working).</p>",
        "<h3>Keyboard shortcuts</h3><table cellspacing='0' cellpadding='2'>",
    ]
    parts += [f"<tr><td><b>{_e(k)}</b>&nbsp;&nbsp;</td><td>{_e(what)}</td></tr>" for k, what in keys]
    parts.append("</table><h3>Sources</h3><ul>")
    for th in rb.thresholds:
        parts.append(f"<li>{_e(th.label)}: {_e(th.source)}</li>")
    for tissue in rb.tissues:
        parts.append(f"<li>α/β {tissue.alpha_beta_gy:g} Gy ({_e(tissue.name)}): {_e(tissue.source)}</li>")
    parts.append("</ul>")
    return "".join(parts)


class HelpDialog(QDialog):
    """A non-modal window with the page (:func:`help_html`)."""

    def __init__(self, settings: EvaluationSettings, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("How to read this window - sbrt-calc")
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setAccessibleName("Help")
        self.text.setHtml(greek(help_html(settings, shortcuts(actions))))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        avail = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(620, avail.width() - 40), min(560, avail.height() - 60))   # a 1024x768 or 2x screen
