"""Read an RT Dose with dicompyler-core's own parser and save what it reads (a helper run in another interpreter).

dicompyler-core 0.5.6 imports only with pydicom < 3 while sbrt-calc uses pydicom 3, so the export round-trip test
(``tests/test_reirradiation_case.py``) runs this file in a virtual environment of its own (``.ci/run`` makes one and
names its interpreter in ``SBRT_CALC_DICOMPYLER_PYTHON``)::

    python dicompyler_read_dose.py RTDOSE.dcm OUT.npz

OUT.npz holds ``planes`` (z, y, x: each plane as ``DicomParser.GetDoseGrid(z)`` returns it, times the Dose Grid
Scaling, in Gy) and ``meta`` (a JSON text of ``GetDoseData()``'s scalar fields). Only numpy, pydicom and
dicompyler-core are imported: nothing of sbrt-calc.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pydicom
from dicompylercore import dicomparser


def main(path: str, out: str) -> None:
    dp = dicomparser.DicomParser(path)
    data = dp.GetDoseData()
    scaling = float(data["dosegridscaling"])
    ds = pydicom.dcmread(path)
    z0 = float(ds.ImagePositionPatient[2])
    planes = np.stack([np.asarray(dp.GetDoseGrid(z0 + float(off)), dtype=float) * scaling
                       for off in ds.GridFrameOffsetVector])
    meta = {k: v for k, v in data.items() if isinstance(v, (str, int, float))}
    meta["dicompyler_core"] = getattr(sys.modules.get("dicompylercore"), "__version__", "?")
    meta["pydicom"] = pydicom.__version__
    np.savez(out, planes=planes, meta=np.array(json.dumps(meta)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
