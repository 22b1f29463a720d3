"""Thin Rasa graph components and policies wrapping the plain code in :mod:`bot`."""
