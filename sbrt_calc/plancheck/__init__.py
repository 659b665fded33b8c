"""Check a real plan: DVHs from DICOM RT Dose / RT Structure Set / RT Plan, graded (issue 14).

Modules: :mod:`dicom_io` (guarded reading), :mod:`rtplan` (the RT Plan's prescription),
:mod:`raster` (contours to dose-grid occupancy), :mod:`dvh` (histograms), :mod:`metrics` (TG-263 DVH metrics), :mod:`names` (TG-263 names),
:mod:`grade` (organ limits and RTOG conformity), :mod:`biological` (voxel-wise EQD2/BED),
:mod:`inputs` (the case-file section), :mod:`report` (report tables), :mod:`phantom` (analytic
test plans written with pydicom).
"""
