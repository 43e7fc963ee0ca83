import hashlib
import pickle
import subprocess

import requests
import yaml


def render_pdf(note_title):
    # Shell injection: the title comes from the user.
    subprocess.run(f"wkhtmltopdf /tmp/{note_title}.html /tmp/{note_title}.pdf", shell=True)


def archive():
    # A literal command: still uses a shell, low severity.
    subprocess.call("tar czf /tmp/notes.tgz /srv/notes", shell=True)


def import_settings(raw):
    return yaml.load(raw)


def restore_backup(blob):
    return pickle.loads(blob)


def fingerprint(password):
    return hashlib.md5(password.encode()).hexdigest()


def push_to_webhook(url, payload):
    return requests.post(url, json=payload, verify=False)
