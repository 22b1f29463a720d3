"""Thin Rasa graph components and policies wrapping the plain code in :mod:`bot`.

Rasa imports this package in every process that loads our model (``config.yml``
names our components), which makes it the one place to change Rasa itself:
:mod:`bot.rasa_components.action_failures` answers a failed custom action with
"try again" instead of silence, and
:mod:`bot.rasa_components.conversation_failures` a conversation the database
cannot give back (always); :mod:`bot.rasa_components.action_results`
and :mod:`bot.rasa_components.model_loading` speed Rasa up, and
``RASA_SPEEDUPS=false`` leaves those two out, so benchmarks can compare.
"""

from bot import settings
from bot.rasa_components.action_failures import install as _install_action_failures
from bot.rasa_components.action_results import install as _install_action_results
from bot.rasa_components.conversation_failures import install as _install_conversation_failures
from bot.rasa_components.model_loading import install as _install_model_loading

_install_action_failures()
_install_conversation_failures()
if settings.get("RASA_SPEEDUPS").lower() != "false":
    _install_action_results()
    _install_model_loading()
