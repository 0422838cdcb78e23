"""The ASGI app for uvicorn workers (`uvicorn emicronora.asgi:app`), configured from the environment."""

from emicronora.app import create_app

app = create_app()
