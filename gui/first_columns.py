"""The regimens table's columns as the first window shows them, before the core has loaded (issue 21: no
layout jump at start).

The app's first window is shown before numpy and the core's evaluation load (:mod:`.app`): the table then has
no rows, but it already has its columns - these, the shipped settings' columns for each model choice (key, the
header as the table shows it, the model) - so that the header, the column widths, the splitter and the plot
area do not move when the rows arrive. Written out by ``python scripts/first_columns.py``; a test checks them
against the core's :func:`sbrt_calc.tables.columns` (tests/test_gui_issue21_start.py). Preferences that
change the columns (a tumour α/β other than 10 adds BED at that α/β) show the shipped ones first.
"""

from __future__ import annotations

#: per model choice (``lq``, ``lql``, ``usc``, ``all``): (key, header text, model) of each column, in the core's order
SHIPPED_COLUMNS: dict[str, tuple[tuple[str, str, str | None], ...]] = {
    'lq': (
        ('label', 'Regimen', None),
        ('total_dose_gy', 'Total\n[Gy]', None),
        ('fractions', 'Fractions', None),
        ('dose_per_fraction_gy', 'Dose/fx\n[Gy]', None),
        ('bed10_gy', 'BED10 LQ\n[Gy]', None),
        ('eqdx_10_lq', 'EQD2(10) LQ\n[Gy]', 'lq'),
        ('bed_3_lq', 'BED3 LQ\n[Gy]', 'lq'),
        ('eqdx_3_lq', 'EQD2(3) LQ\n[Gy]', 'lq'),
        ('flag', 'BED10\n> 70 Gy', None),
        ('reference', 'BED10\n≥ 100 Gy', None),
        ('sensitivity', 'Model/α/β check', None),
        ('warnings', 'Warnings', None),
    ),
    'lql': (
        ('label', 'Regimen', None),
        ('total_dose_gy', 'Total\n[Gy]', None),
        ('fractions', 'Fractions', None),
        ('dose_per_fraction_gy', 'Dose/fx\n[Gy]', None),
        ('bed10_gy', 'BED10 LQ\n[Gy]', None),
        ('bed_10_lql', 'BED LQ-L\n(d_T 6 Gy),\nα/β 10 [Gy]', 'lql'),
        ('eqdx_10_lql', 'EQD2 LQ-L\n(d_T 6 Gy),\nα/β 10 [Gy]', 'lql'),
        ('bed_3_lql', 'BED LQ-L\n(d_T 6 Gy),\nα/β 3 [Gy]', 'lql'),
        ('eqdx_3_lql', 'EQD2 LQ-L\n(d_T 6 Gy),\nα/β 3 [Gy]', 'lql'),
        ('flag', 'BED10\n> 70 Gy', None),
        ('reference', 'BED10\n≥ 100 Gy', None),
        ('sensitivity', 'Model/α/β check', None),
        ('warnings', 'Warnings', None),
    ),
    'usc': (
        ('label', 'Regimen', None),
        ('total_dose_gy', 'Total\n[Gy]', None),
        ('fractions', 'Fractions', None),
        ('dose_per_fraction_gy', 'Dose/fx\n[Gy]', None),
        ('bed10_gy', 'BED10 LQ\n[Gy]', None),
        ('usc_bed_gy', 'BED USC\n(Park 2008),\nown α/β 8.6\n[Gy]', 'usc'),
        ('usc_sfed_gy', 'SFED USC\n[Gy]', 'usc'),
        ('bed_3_lq', 'BED3 LQ\n[Gy]', 'lq'),
        ('eqdx_3_lq', 'EQD2(3) LQ\n[Gy]', 'lq'),
        ('flag', 'BED10\n> 70 Gy', None),
        ('reference', 'BED10\n≥ 100 Gy', None),
        ('sensitivity', 'Model/α/β check', None),
        ('warnings', 'Warnings', None),
    ),
    'all': (
        ('label', 'Regimen', None),
        ('total_dose_gy', 'Total\n[Gy]', None),
        ('fractions', 'Fractions', None),
        ('dose_per_fraction_gy', 'Dose/fx\n[Gy]', None),
        ('bed10_gy', 'BED10 LQ\n[Gy]', None),
        ('eqdx_10_lq', 'EQD2(10) LQ\n[Gy]', 'lq'),
        ('bed_10_lql', 'BED LQ-L\n(d_T 6 Gy),\nα/β 10 [Gy]', 'lql'),
        ('eqdx_10_lql', 'EQD2 LQ-L\n(d_T 6 Gy),\nα/β 10 [Gy]', 'lql'),
        ('usc_bed_gy', 'BED USC\n(Park 2008),\nown α/β 8.6\n[Gy]', 'usc'),
        ('usc_sfed_gy', 'SFED USC\n[Gy]', 'usc'),
        ('bed_3_lq', 'BED3 LQ\n[Gy]', 'lq'),
        ('eqdx_3_lq', 'EQD2(3) LQ\n[Gy]', 'lq'),
        ('bed_3_lql', 'BED LQ-L\n(d_T 6 Gy),\nα/β 3 [Gy]', 'lql'),
        ('eqdx_3_lql', 'EQD2 LQ-L\n(d_T 6 Gy),\nα/β 3 [Gy]', 'lql'),
        ('flag', 'BED10\n> 70 Gy', None),
        ('reference', 'BED10\n≥ 100 Gy', None),
        ('sensitivity', 'Model/α/β check', None),
        ('warnings', 'Warnings', None),
    ),
}
