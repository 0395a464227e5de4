"""Production settings for bench/lighthouse.sh: as deployed, except that whitenoise also serves
the media folder (a real deployment has the web server or object storage do it) and static
files are collected into the run's temporary folder."""

import os
from pathlib import Path

from chamber.settings.production import *  # noqa: F403

STATIC_ROOT = Path(os.environ["STATIC_ROOT"])
WHITENOISE_ROOT = Path(os.environ["MEDIA_ROOT"]).parent  # /media/<file> → <run>/media/<file>
