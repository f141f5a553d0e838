"""The bot's handlers, one module per conversation area."""
