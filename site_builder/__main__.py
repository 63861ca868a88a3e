"""Allow ``python -m site_builder``."""

from site_builder.cli import main_exit

main_exit()
