"""The plot beside the table: BED10 against total dose, one curve per fraction count 3-6.

matplotlib is imported lazily (:meth:`PlotPanel.ensure_canvas`, called after the window is
shown) so that the cold start stays close to a bare PySide6 window. The curves and lines are
drawn once per settings change; the table's regimens are *animated* artists updated in place
and blitted over a cached background, so an edit redraws only the points (no flicker).
Every number (the curves included) comes from the core's vectorized ``model.bed``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from .regimen_table_model import RegimenTableModel

FRACTION_COUNTS = (3, 4, 5, 6)
USUAL_RANGE_GY = (24.0, 50.0)
# Okabe-Ito colours (colour-blind safe) and distinct line styles per fraction count
CURVE_STYLE = {3: ("#0072B2", "-"), 4: ("#D55E00", "--"), 5: ("#009E73", "-."), 6: ("#CC79A7", ":")}
OTHER_COLOUR = "#555555"


class PlotPanel(QWidget):
    """BED10 vs total dose with the table's regimens as points (selection linked both ways)."""

    pointSelected = Signal(int)     # row of the table

    def __init__(self, model: RegimenTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.canvas: Any = None
        self.figure: Any = None
        self.ax: Any = None
        self._background: Any = None
        self._selected: set[int] = set()
        self._point_rows: list[list[int]] = [[], []]
        self._curves_key: Any = None
        self._limits: tuple[float, float] = (60.0, 200.0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._placeholder = QLabel("Loading the plot…")
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self._placeholder)
        self.setMinimumWidth(320)
        self.setToolTip("BED10 against total dose, one curve per fraction count; click a point to select its row")
        model.contentChanged.connect(self.refresh)
        model.settingsChanged.connect(self.refresh)

    # --- building -----------------------------------------------------------------------------
    def ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(5, 4), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.canvas.setToolTip(self.toolTip())
        self.canvas.setAccessibleName("BED10 plot")
        ax = self.ax = self.figure.add_subplot()
        self._curves = {}
        for n in FRACTION_COUNTS:
            colour, style = CURVE_STYLE[n]
            (line,) = ax.plot([], [], color=colour, linestyle=style, linewidth=1.6, label=f"{n} fractions")
            self._curves[n] = line
        self._band = ax.axvspan(*USUAL_RANGE_GY, color="#999999", alpha=0.15, lw=0, label="24–50 Gy (usual range)")
        self._flag_line = ax.axhline(70, color="#B22222", linewidth=1.2, linestyle=(0, (6, 2)))
        self._ref_line = ax.axhline(100, color="#333333", linewidth=1.2, linestyle=(0, (2, 2)))
        self._flag_text = ax.text(0.01, 70, "", transform=ax.get_yaxis_transform(), va="bottom", fontsize=8,
                                  color="#B22222")
        self._ref_text = ax.text(0.01, 100, "", transform=ax.get_yaxis_transform(), va="bottom", fontsize=8,
                                 color="#333333")
        kw = {"animated": True, "zorder": 5, "picker": True, "pickradius": 6, "edgecolors": "black", "linewidths": 0.6}
        self._pts_up = ax.scatter([], [], marker="^", s=46, label="regimen, flag reached", **kw)
        self._pts_down = ax.scatter([], [], marker="o", s=36, label="regimen, flag not reached", **kw)
        self._pts_up.set_facecolor("white")
        self._pts_down.set_facecolor("white")
        self._highlight = ax.scatter([], [], s=190, facecolors="none", edgecolors="#FFB000", linewidths=2.4,
                                     animated=True, zorder=6, label="selected")
        self._labels: list[Any] = []
        ax.set_xlabel("Total dose [Gy]")
        ax.grid(True, color="#dddddd", linewidth=0.6)
        ax.legend(loc="upper left", fontsize=7, framealpha=0.9, ncols=2)
        self.canvas.mpl_connect("draw_event", self._on_draw)
        self.canvas.mpl_connect("pick_event", self._on_pick)
        layout = self.layout()
        layout.removeWidget(self._placeholder)
        self._placeholder.deleteLater()
        layout.addWidget(self.canvas)
        self.refresh()

    # --- updating ------------------------------------------------------------------------------
    def _plot_model(self) -> str:
        m = self.model.settings().model
        return "lq" if m == "all" else m

    def _update_curves(self, xmax: float) -> None:
        """Curves and lines (a full redraw), only when the model, thresholds or range change."""
        s = self.model.settings()
        flag, ref = self.model.thresholds
        key = (self._plot_model(), flag.bed_gy, ref.bed_gy, flag.alpha_beta_gy, xmax)
        if key == self._curves_key:
            return
        self._curves_key = key
        m = self.model.model_object(self._plot_model())
        dose = np.linspace(0.5, xmax, 300)
        ymax = 0.0
        for n, line in self._curves.items():
            bed = np.asarray(m.bed(dose, dose / n, flag.alpha_beta_gy))
            line.set_data(dose, bed)
            ymax = max(ymax, float(bed.max()))
        self._flag_line.set_ydata([flag.bed_gy, flag.bed_gy])
        self._ref_line.set_ydata([ref.bed_gy, ref.bed_gy])
        self._flag_text.set_position((0.01, flag.bed_gy))
        self._flag_text.set_text(f"{flag.label} (flag)")
        self._ref_text.set_position((0.01, ref.bed_gy))
        self._ref_text.set_text(f"{ref.label} (reference)")
        title = m.title if s.model != "all" else "LQ (table: LQ, LQ-L, USC)"
        self.ax.set_title(f"BED{flag.alpha_beta_gy:g} vs total dose — {title}", fontsize=10)
        self.ax.set_ylabel(f"BED{flag.alpha_beta_gy:g} [Gy] (alpha/beta {flag.alpha_beta_gy:g} Gy)")
        self._limits = (xmax, max(ymax, ref.bed_gy * 1.1))
        self.ax.set_xlim(0, xmax)
        self.ax.set_ylim(0, self._limits[1])
        self._background = None

    def refresh(self) -> None:
        """Bring the points (and, if needed, the curves) up to date with the table."""
        if self.canvas is None:
            return
        pm = self._plot_model()
        up: list[tuple[float, float]] = []
        down: list[tuple[float, float]] = []
        up_rows: list[int] = []
        down_rows: list[int] = []
        colours_up: list[str] = []
        colours_down: list[str] = []
        for r in range(self.model.rowCount()):
            res = self.model.results(r)
            if res is None:
                continue
            result = res.by_model[pm]
            point = (result.regimen.total_dose_gy, result.bed10_gy)
            colour = CURVE_STYLE.get(result.regimen.fractions, (OTHER_COLOUR, ""))[0]
            if result.bed10_above_threshold:
                up.append(point)
                up_rows.append(r)
                colours_up.append(colour)
            else:
                down.append(point)
                down_rows.append(r)
                colours_down.append(colour)
        all_x = [p[0] for p in up + down]
        xmax = 60.0
        if all_x and max(all_x) > 57:
            xmax = float(np.ceil(max(all_x) * 1.1 / 10) * 10)
        self._update_curves(xmax)
        self._pts_up.set_offsets(np.array(up) if up else np.empty((0, 2)))
        self._pts_up.set_facecolors(colours_up or "white")
        self._pts_down.set_offsets(np.array(down) if down else np.empty((0, 2)))
        self._pts_down.set_facecolors(colours_down or "white")
        self._point_rows = [up_rows, down_rows]
        self._update_labels(up + down, up_rows + down_rows)
        ys = [p[1] for p in up + down]
        if ys and max(ys) > self._limits[1]:
            self._limits = (self._limits[0], max(ys) * 1.1)
            self.ax.set_ylim(0, self._limits[1])
            self._background = None
        self._update_highlight()

    def _update_labels(self, points: list[tuple[float, float]], rows: list[int]) -> None:
        while len(self._labels) < len(points):
            self._labels.append(self.ax.annotate("", (0, 0), xytext=(5, 4), textcoords="offset points",
                                                 fontsize=7, animated=True, zorder=7))
        crowded = len(points) > 12     # then only the selected rows are numbered
        for i, label in enumerate(self._labels):
            if i < len(points):
                label.xy = points[i]
                label.set_text(str(rows[i] + 1))
                label.set_visible(not crowded or rows[i] in self._selected)
            else:
                label.set_visible(False)

    def set_selected_rows(self, rows: set[int]) -> None:
        self._selected = set(rows)
        if self.canvas is not None:
            self.refresh()

    def _update_highlight(self) -> None:
        pts = []
        for artist, rows in ((self._pts_up, self._point_rows[0]), (self._pts_down, self._point_rows[1])):
            offsets = artist.get_offsets()
            pts += [offsets[i] for i, r in enumerate(rows) if r in self._selected]
        self._highlight.set_offsets(np.array(pts) if pts else np.empty((0, 2)))
        self._blit()

    def _animated(self) -> list[Any]:
        return [self._pts_down, self._pts_up, self._highlight] + [lb for lb in self._labels if lb.get_visible()]

    def _on_draw(self, event: Any) -> None:
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        for a in self._animated():
            self.figure.draw_artist(a)

    def _blit(self) -> None:
        if self._background is None:
            self.canvas.draw_idle()
            return
        self.canvas.restore_region(self._background)
        for a in self._animated():
            self.figure.draw_artist(a)
        self.canvas.blit(self.ax.bbox.expanded(1.02, 1.02))   # the points live inside the axes

    def draw_now(self) -> None:
        """Render synchronously if a full draw is pending (benchmarks and tests; points are blitted at once)."""
        if self.canvas is not None and self._background is None:
            self.canvas.draw()

    def _on_pick(self, event: Any) -> None:
        rows = self._point_rows[0] if event.artist is self._pts_up else (
            self._point_rows[1] if event.artist is self._pts_down else [])
        if rows and len(event.ind):
            self.pointSelected.emit(rows[int(event.ind[0])])

    def select_point_at(self, total_dose_gy: float, bed_gy: float) -> int | None:
        """The row of the point nearest (total, BED) in data units (for keyboard/test use)."""
        best, best_d = None, float("inf")
        for artist, rows in ((self._pts_up, self._point_rows[0]), (self._pts_down, self._point_rows[1])):
            for (x, y), r in zip(artist.get_offsets(), rows, strict=True):
                d = np.hypot((x - total_dose_gy) / self._limits[0], (y - bed_gy) / self._limits[1])
                if d < best_d:
                    best, best_d = r, d
        if best is not None:
            self.pointSelected.emit(best)
        return best

    def point_rows(self) -> list[int]:
        return sorted(self._point_rows[0] + self._point_rows[1])

    def export(self, path: str | Path) -> Path:
        """Save the figure; the format follows the suffix (.png, .svg, .pdf)."""
        self.ensure_canvas()
        p = Path(path)
        fmt = p.suffix.lower().lstrip(".")
        if fmt not in ("png", "svg", "pdf"):
            raise ValueError(f"cannot export {p.name!r}: use .png, .svg or .pdf")
        import io

        from sbrt_calc.atomic_write import write_bytes_atomic  # issue 12: in memory, then atomic replace

        buf = io.BytesIO()
        self.figure.savefig(buf, format=fmt, dpi=200 if fmt == "png" else None)
        return write_bytes_atomic(p, buf.getvalue())
