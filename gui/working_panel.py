"""'Show the working' for the selected row: the core's working (:func:`sbrt_calc.working.working`) as rich
text, at the table's rounding or at full precision. For residents learning it and physicists checking it.

The text is made again when the model's content changes (its ``contentChanged``: rows, settings, decimals) and
when the row or the precision changes; selecting the row already shown makes nothing (the table tells its
selection twice, as a selection and as a current row: the first filled table wrote row 1's working twice, ~1.3 ms
of the start; stop 28, chrome28).

At the app's cold start the panel is ``held``: it writes nothing until :meth:`release`, which the app calls in the
turn after the filled table's paint, beside the plot (stop 28, lead: the working of row 1, ~2.7 ms CPU, no longer
comes before the table with its verdicts; like the plot, it follows). A panel built otherwise writes at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTextBrowser, QWidget

from sbrt_calc.presets.radiobiology import radiobiology

from .number_text import greek
from .regimen_table_model import RegimenTableModel

if TYPE_CHECKING:
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QTextDocument

#: texts whose documents are kept and recycled (issue 21: a switch back swaps without parsing; a few KB each)
KEPT_DOCUMENTS = 6


def _escape(text: str) -> str:
    """``html.escape`` without importing :mod:`html` (its entity tables cost ~1.5 ms of start-up)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#x27;"))


class WorkingPanel(QTextBrowser):
    """Read-only rich text; links open in the system browser."""

    def __init__(self, model: RegimenTableModel, parent: QWidget | None = None, held: bool = False) -> None:
        super().__init__(parent)
        self.model = model
        self.row: int | None = None
        self.full_precision = False
        self._html: str | None = None   # the text shown (a refresh with the same text is not set again)
        self.held = held   # nothing written until release() (the app's start: see the module docstring)
        self._documents: dict[str, QTextDocument] = {}   # kept per text, the shown one last (see _show)
        self.setOpenExternalLinks(True)
        self.setAccessibleName("Show the working")
        self.setToolTip("How the selected row's numbers are computed: formula, parameters, sources")
        # every settings change emits contentChanged first (the model's contract): one refresh, not two
        model.contentChanged.connect(self.refresh)
        self.refresh()

    def set_row(self, row: int | None) -> None:
        """Show ``row``'s working; nothing to do when it is shown already (its text follows the model's
        ``contentChanged``, see the module docstring)."""
        if row == self.row:
            return
        self.row = row
        self.refresh()

    def set_full_precision(self, on: bool) -> None:
        self.full_precision = bool(on)
        self.refresh()

    def release(self) -> None:
        """Write the text held back since the start (nothing when the panel was not held)."""
        if self.held:
            self.held = False
            self.refresh()

    def refresh(self) -> None:
        if self.held:
            return
        html = self.html()
        if html == self._html:   # an edit of another row, a settings change that leaves this row's working as it was
            return
        shown, self._html = self._html, html
        self._show(html, shown)

    def _show(self, html: str, shown: str | None) -> None:
        """Show ``html`` in a document filled aside and swapped in, not by ``setHtml`` on the shown one.

        ``setHtml`` empties the shown document first (the scroll range to 0 and back); filled aside, the text is
        laid out once, at the panel's width, when swapped in. The documents are recycled, not made (a new
        QTextDocument's first text costs ~0.4 ms more than a used one's), and the last :data:`KEPT_DOCUMENTS`
        texts keep theirs: a switch back, a row selected again or the precision toggled back swaps without
        parsing. Issue 21, working31 (interleaved A/B, medians of 90 switches from LQ, the refresh and the panel's
        events): a kept text 2.03 -> 1.86 ms (the refresh 0.63 -> 0.46 ms), a new text as before (2.22 / 2.24 ms).
        The text, the pixels and where the view ends (at the top) are as with ``setHtml`` (tested)."""
        if shown is None:   # the first text (at the app's start: no Qt type more before the idle turn, qt_values)
            self.setHtml(html)
            return
        kept = self._documents
        if not kept:   # the second: QTextEdit's own document (the first text) kept as ours; Qt deletes its own
            self.document().setParent(self)
            kept[shown] = self.document()
        doc = kept.pop(html, None)
        if doc is None:
            doc = self._spare_document()
            doc.setPageSize(self._null_size())   # not laid out now: once, in _swap
            doc.setHtml(html)
        kept[html] = doc   # the most recent last
        self._swap(doc)

    def _spare_document(self) -> QTextDocument:
        """The least recently shown kept document when :data:`KEPT_DOCUMENTS` are kept (never the shown one: it
        is the last), else a new one set up as the panel's."""
        kept = self._documents
        if len(kept) >= KEPT_DOCUMENTS:
            return kept.pop(next(iter(kept)))
        from PySide6.QtGui import QTextDocument  # after the first paint (qt_values: no Qt type at start)

        shown = self.document()
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        doc.setDocumentMargin(shown.documentMargin())
        return doc

    def _swap(self, doc: QTextDocument) -> None:
        """Show ``doc``, laid out once: ``QTextEdit.setDocument`` sets the document's text option and then its
        page size, and Qt lays the whole text out at each; with a null page size the first does nothing (as
        QTextEdit's own first document)."""
        if doc is self.document():
            return
        doc.setPageSize(self._null_size())
        font = self.document().defaultFont()   # the panel's font (QTextEdit sets it on the shown document only)
        if doc.defaultFont() != font:
            doc.setDefaultFont(font)
        doc.documentLayout().setPaintDevice(self.viewport())   # Qt unsets it on the document swapped out
        self.verticalScrollBar().setValue(0)   # at the top, as setHtml left it (the cursor at the start)
        self.setDocument(doc)

    @staticmethod
    def _null_size() -> QSizeF:
        from PySide6.QtCore import QSizeF  # after the first paint (qt_values: no Qt type at start)

        return QSizeF(0, 0)

    def html(self) -> str:
        m = self.model
        r = self.row
        if r is None or not 0 <= r < m.rowCount():
            return ("<h3>Show the working</h3><p>Select a row of the table (or a point of the plot) to see how its "
                    "BED, EQD2 and verdicts are computed: the formula with the numbers substituted, the model's "
                    "assumptions and parameters, and every source.</p>")
        from sbrt_calc.working import working  # with the core's numbers, after the window is shown

        s = m.eval_settings
        out = []
        note = m.state.rows[r].note
        for k, sec in enumerate(working(m.results(r), s, self.full_precision, m.decimals)):
            tag = "h3" if k == 0 else "h4"
            out.append(f"<{tag}>{_escape(sec.title)}</{tag}>")
            if k == 0 and note:   # where the row came from: the solver, a preset, an RT Plan (issue 21)
                out.append(f"<p style='margin:2px 0'><i>Origin: {_escape(note)}</i></p>")
            out.append("".join(f"<p style='margin:2px 0'>{_escape(line)}</p>" for line in sec.lines))
        out.append("<h4>α/β sources</h4><ul>")
        for ab in dict.fromkeys((s.tumour_alpha_beta_gy, *s.organ_alpha_betas_gy)):
            tissues = [t for t in radiobiology().tissues if t.alpha_beta_gy == ab]
            for t in tissues:
                out.append(f"<li>α/β {ab:g} Gy — {_escape(t.name)}: {_escape(t.source)}</li>")
            if not tissues:
                out.append(f"<li>α/β {ab:g} Gy — set by the user (not a shipped tissue value)</li>")
        out.append("</ul>")
        return greek("".join(out))   # the core's working in the app's spelling (α/β)
