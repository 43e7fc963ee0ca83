import os
import subprocess

from flask import Flask, make_response, redirect, request, send_file

from . import config, db, export

app = Flask(__name__)
app.config.from_object(config)


@app.route("/notes")
def list_notes():
    owner = request.cookies.get("user", "anonymous")
    search = request.args.get("q", "")
    rows = db.find_notes(owner, search)
    html = "<h1>Results for " + search + "</h1>"
    html += "".join("<li>%s</li>" % title for _, title in rows)
    return make_response(html)


@app.route("/notes/<note_id>/pdf")
def note_pdf(note_id):
    note = db.get_note(note_id)
    export.render_pdf(note[1])
    return send_file("/tmp/" + note[1] + ".pdf")


@app.route("/attachments")
def attachment():
    name = request.args["name"]
    return send_file(os.path.join("/srv/attachments", name))


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    output = subprocess.check_output("ping -c 1 " + host, shell=True)
    return output


@app.route("/login")
def login():
    next_url = request.args.get("next", "/")
    return redirect(next_url)


@app.route("/calc")
def calc():
    expression = request.args.get("expr", "1+1")
    return str(eval(expression))


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
