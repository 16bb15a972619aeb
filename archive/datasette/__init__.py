"""Datasette for the archive: metadata (metadata.py), Chinese search (search.py), the local plugin
(plugins/xxgk_plugin.py), templates, and the dashboard data (dashboard.py). archive/serve.py starts it."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
PLUGINS_DIR = HERE / "plugins"
TEMPLATES_DIR = HERE / "templates"
ENTRY_POINT = "xxgk_archive"  # the plugin's name when Datasette loaded it from the package's entry point
