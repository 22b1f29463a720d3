"""``python -m bot.web``: serve the chat page and widget on ``WEB_PORT``."""

from bot.web.app import main

main()
