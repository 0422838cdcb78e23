"""The async engine and session factory: SQLite (WAL, foreign keys on) by default, PostgreSQL via asyncpg."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from emicronora.db.search import FOLD_FUNCTION
from emicronora.text import fold


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _fold(value: Any) -> Any:
    return fold(value) if isinstance(value, str) else value


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite's own lower() folds ASCII letters only: a search for "élodie" would miss "Élodie", which
    # PostgreSQL finds. Deterministic, so that SQLite may still use it wherever a built-in may go.
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    # PostgreSQL gets the same function from a migration (lower(unaccent(...))): search ignores accents alike.
    dbapi_connection.create_function(FOLD_FUNCTION, 1, _fold, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_engine(database_url: str) -> AsyncEngine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _enable_sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: handlers render objects after the transaction that loaded them has ended.
    return async_sessionmaker(engine, expire_on_commit=False)
