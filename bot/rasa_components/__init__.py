"""Thin Rasa graph components and policies wrapping the plain code in :mod:`bot`.

Rasa imports this package in every process that loads our model (``config.yml``
names our components), which makes it the one place to speed up Rasa itself:
see :mod:`bot.rasa_components.action_results` and
:mod:`bot.rasa_components.model_loading`. ``RASA_SPEEDUPS=false`` leaves Rasa as
it ships, so benchmarks can compare the two in one run.
"""

from bot import settings
from bot.rasa_components.action_results import install as _install_action_results
from bot.rasa_components.model_loading import install as _install_model_loading

if settings.get("RASA_SPEEDUPS").lower() != "false":
    _install_action_results()
    _install_model_loading()
