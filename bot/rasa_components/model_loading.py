"""Loading the trained TensorFlow models without tracing a training graph first.

Rasa 3.6 builds each loaded model (DIET, TED, the response selector) by training
it on one example before reading the trained weights over it. That one step is
compiled into a TensorFlow graph, forward and backward, and the tracing took
three quarters of the Rasa server's start-up (py-spy, see the README). The step
only has to create the weights and the optimiser's slots, so it runs eagerly
here: the same variables, then the same trained weights, and prediction still
runs as a compiled graph. Installed by ``__init__`` on the Rasa it was written for.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

from bot.rasa_components.rasa_version import is_patched_rasa


def load(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: RasaModelData | None = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """Rasa's ``RasaModel.load`` with the weight-building step run eagerly."""
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    run_eagerly = config.get(RUN_EAGERLY)
    model.compile(
        optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=True
    )
    model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
    # The one eager step makes fewer optimiser slots than the graph did; prediction
    # needs none of them, so the ones left unread are expected.
    model.load_weights(model_file_name).expect_partial()
    # Predictions are compiled as configured (a graph unless run_eagerly is set).
    model.run_eagerly = run_eagerly
    if not finetune_mode and predict_data_example:
        model.run_inference(predict_data_example)
    return model


def install() -> bool:
    if not is_patched_rasa("models load the slow way"):
        return False
    RasaModel.load = classmethod(load)
    return True
