"""The PySide6 desktop app (installed as ``sbrt_calc.gui``). Knows sbrt_calc; nothing knows it."""
