"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...` and `huey_consumer wsgi.huey`."""

from tracker import create_app

app = create_app()
huey = app.extensions["huey"]  # the job queue's consumer runs this app's tasks
