"""The strategy health check: scoring (pure), the daily data beside it, text and chart."""
