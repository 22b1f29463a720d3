"""The web app (aiohttp): chat page, embeddable widget, and (later) staff pages."""
