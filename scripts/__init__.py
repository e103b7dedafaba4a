"""The course's maintenance tools, one job each; `make` (tasks.py) runs them as ``python -m scripts.NAME``.

- ``setup_cell``: the Colab set-up cell every notebook starts with (also runs on Colab as a plain script);
- ``make_learner``: the learner editions (exercises to fill in) of the solution notebooks;
- ``build_site``: the executed course as a static offline site;
- ``lesson_minutes``: minutes per lesson and the workshop plans.

Run them from the project root (``python -m scripts.build_site --out site``); tests import them as
``from scripts import build_site``.
"""
