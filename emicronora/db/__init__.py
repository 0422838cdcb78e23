"""Database helpers every area shares: the engine and sessions, paged queries and accent-blind search."""

from emicronora.db.engine import create_engine, create_sessionmaker

__all__ = ["create_engine", "create_sessionmaker"]
