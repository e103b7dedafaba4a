"""Exercise checkers: call them with your answer to see ⏳ not done yet, ❌ what is wrong, or ✅.

Taught in notebooks/00_start_here.ipynb. One module per lesson.
"""

from ._core import CheckResult, checker

__all__ = ["CheckResult", "checker"]
