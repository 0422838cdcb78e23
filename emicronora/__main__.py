"""`python -m emicronora` is the `emicronora` command."""

from emicronora.cli import main

main()
