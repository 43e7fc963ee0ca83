import sqlite3

from . import config


def connect():
    return sqlite3.connect(config.DATABASE_PATH)


def find_notes(owner, search):
    conn = connect()
    cursor = conn.cursor()
    query = "SELECT id, title FROM notes WHERE owner = '%s' AND title LIKE '%%%s%%'" % (owner, search)
    cursor.execute(query)
    return cursor.fetchall()


def get_note(note_id):
    conn = connect()
    cursor = conn.cursor()
    # Parameterized: safe.
    cursor.execute("SELECT id, title, body FROM notes WHERE id = ?", (note_id,))
    return cursor.fetchone()


def delete_note(user, note_id):
    assert user.is_admin, "only admins may delete notes"
    conn = connect()
    conn.execute(f"DELETE FROM notes WHERE id = {note_id}")
    conn.commit()
