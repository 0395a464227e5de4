import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chamber.settings.dev")

application = get_wsgi_application()

# What start-up loaded (Django, Wagtail, the project's modules and URLs) lives as long as the
# worker: moved out of the garbage collector's sight, it no longer lengthens every full
# collection, which otherwise lands on some unlucky request (the directory's p95 and p99).
gc.collect()
gc.freeze()
