import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
application = get_wsgi_application()

# A list page makes a few thousand short-lived objects (rows, model instances,
# template nodes); with Python's default threshold of 700 allocations the young
# generation is collected several times per request, each time also walking every
# object Django loaded at start-up. Those are frozen out of collection, and the
# young generation is collected less often (figures in bench/README.md).
gc.freeze()
gc.set_threshold(10_000, 10, 10)
