"""Benchmarks and the robustness measurement; each file also runs as a script (``python benchmarks/NAME.py``)."""
