"""gunicorn configuration: ``gunicorn -c gunicorn.conf.py wsgi:app`` (what ``make serve`` runs).

Everything comes from the MEDSEARCH_* settings (README, "Configuration"); the settings and the
hooks live in ``webapp.serving`` so that ``medsearch serve`` runs with exactly the same ones.
"""

from webapp import serving, settings

_options = serving.options(settings.from_environment())

bind = _options["bind"]
workers = _options["workers"]
threads = _options["threads"]
worker_class = _options["worker_class"]
accesslog = _options["accesslog"]
errorlog = _options["errorlog"]
logconfig_dict = _options["logconfig_dict"]

# Prometheus multiprocess mode: start from an empty metrics folder, forget dead workers'
# live gauges, remove the folder if it was a temporary one.
on_starting = _options["on_starting"]
child_exit = _options["child_exit"]
on_exit = _options["on_exit"]
