import os

SECRET_KEY = "s3cr3t-flask-key-do-not-share"
SQLALCHEMY_ECHO = True
WTF_CSRF_ENABLED = False
SESSION_COOKIE_SECURE = False

DATABASE_PATH = os.environ.get("NOTES_DB", "notes.sqlite3")
ADMIN_PASSWORD = "hunter2"
