"""Figures and tables of lossnotes, drawn in the language and colour scheme a caller names.

Every figure function takes ``lang`` (``"en"`` or ``"zh_CN"``) and ``theme``
(``"light"`` or ``"dark"``) as keyword arguments and returns a
``matplotlib.figure.Figure`` made without pyplot; every Markdown table
takes ``lang``. Nothing reads the environment. The modules follow the site's
chapters:

* ``heatmaps``: loss surfaces (the experiment);
* ``sections``: profiles and colour scales (why the surfaces look so);
* ``gradients``: gradient norms, the fixed logit's gradient, arrows;
* ``numerics``: where the naive formulas overflow;
* ``training``: descent paths and steps to recover;
* ``explore``: small multiples over the fixed logit;
* ``tables`` and ``verdicts``: the tables;
* ``labels``: names and numbers as readers see them;
* ``sizes``: the figures' size and resolution, chosen for the page.

The colour schemes and fonts are matplotlib rc settings applied to one figure
at a time (the private ``_style`` module); global state is never changed.
"""

from __future__ import annotations

from ._style import THEMES
from .heatmaps import loss_heatmap, loss_heatmaps

__all__ = ["THEMES", "loss_heatmap", "loss_heatmaps"]
