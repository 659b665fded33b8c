"""Re-irradiation voxel by voxel (issue 22): courses summed in EQD2 on the new course's grid.

- :mod:`.courses`: read each course (RT Dose in Gy and its fraction count), check the frames of
  reference, resample the earlier courses onto the new course's grid (trilinear).
- :mod:`.eqd2`: voxel EQD2 (LQ, LQ-L) and the alpha/beta of each structure (presets' tissues).
- :mod:`.evaluate`: cumulative DVHs graded against the presets' re-irradiation limits, the check
  across the alpha/beta range and LQ vs LQ-L, and the largest new course that fits.
- :mod:`.export`: the summed EQD2 map written as an RT Dose.

Terms follow the ESTRO-EORTC re-irradiation consensus (Andratschke N et al., Lancet Oncol
2022; terms read in the ASTRO 2023 panel's summary, Ann Palliat Med 2024, doi:10.21037/apm-24-4): the *cumulative dose* is the sum of the courses' doses in EQD2. This package
does not classify a case as Type 1 or Type 2 re-irradiation (the consensus' categories), and it
applies no recovery discount (none is offered: the issue allows one only from a printed source).
No module here imports Qt; scipy is not needed.
"""
