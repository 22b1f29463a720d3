"""The one way an action sends our chat messages: text with optional buttons."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from bot.core.chat_messages import Message


def say(dispatcher: CollectingDispatcher, *messages: Message) -> None:
    for message in messages:
        dispatcher.utter_message(text=message.text, buttons=message.button_dicts() or None)
