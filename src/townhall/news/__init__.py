"""News, events and alerts per target group and street (see docs/news.md)."""
