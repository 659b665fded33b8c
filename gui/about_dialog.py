"""About box: version, the disclaimer, and the sources of every shipped default."""

from __future__ import annotations

import html
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from sbrt_calc import DISCLAIMER, __version__
from sbrt_calc.models import make_model
from sbrt_calc.presets.radiobiology import radiobiology
from sbrt_calc.vocabulary import MODEL_NAMES


def about_html() -> str:
    rb = radiobiology()
    parts = [
        f"<h2>sbrt-calc {html.escape(__version__)}</h2>",
        "<p>SBRT fractionation planning for oligoprogressive metastatic NSCLC: BED/EQD2 under LQ, LQ-L and USC, "
        "the BED10 flag read on LQ BED10 from the prescription, and whether that reading depends on the model.</p>",
        f"<p><b>Disclaimer.</b> {html.escape(DISCLAIMER)}</p>",
        "<h3>Sources</h3><ul>",
    ]
    for m in MODEL_NAMES:
        model = make_model(m)
        parts.append(f"<li><b>{model.title}</b>: {html.escape(model.source)}</li>")
    for t in rb.thresholds:
        parts.append(f"<li><b>{html.escape(t.label)}</b>: {html.escape(t.source)}</li>")
    for tissue in rb.tissues:
        parts.append(f"<li><b>α/β {tissue.alpha_beta_gy:g} Gy</b> ({html.escape(tissue.name)}): "
                     f"{html.escape(tissue.source)}</li>")
    parts.append(f"<li><b>LQ validity</b>: {html.escape(rb.lq.source)}</li>")
    parts.append(f"<li><b>α/β uncertainty range</b>: {html.escape(rb.uncertainty.source)}</li>")
    parts.append("</ul>")
    parts.append(f"<p><small>Presets file: {html.escape(rb.path)}<br>Python {sys.version.split()[0]}, "
                 f"PySide6 {pyside_version}</small></p>")
    return "".join(parts)


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About sbrt-calc {__version__}")
        self.resize(640, 560)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setHtml(about_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
