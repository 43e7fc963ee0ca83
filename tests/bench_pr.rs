//! Benchmark (ignored by default; `bench/pr.sh` runs it in release): a 100-file pull request
//! from webhook to review, end to end over real HTTP.
//!
//! The fake GitHub (`tests/support/fake_github`, every request checked against GitHub's
//! OpenAPI description) is seeded with a generated pull request of 100 changed Python files of
//! a few hundred lines each: Flask blueprints, Django models and views, service modules and a
//! settings module; modified (base and head), added, and renamed. A handful of
//! vulnerabilities are planted on added lines across the files, next to pre-existing ones (in
//! unchanged code, and in a renamed file) that must not be reported, and one that the change
//! removes. `serve_with_shutdown` runs on loopback with a temporary SQLite database and the
//! default two workers; a signed `pull_request` webhook is posted and the clock runs until the
//! fake has received the review and the completed check run.
//!
//! Each round (env `RUNS`, default 5, after one warm-up round) uses a fresh pull request number
//! and fresh commits (the generated files carry the round number), so nothing is deduplicated
//! or superseded. Rounds are spaced by different idle gaps (0-250 ms), so the webhooks reach the
//! idle workers at different points of their poll cycle, as real deliveries do: back to back,
//! every webhook would arrive just after a worker went to sleep. Env `LATENCY_MS` (default 0)
//! delays every answer of the fake, to see the effect of a real API's round trips. Every round asserts that the result is real: exactly one line comment per
//! planted vulnerability, on its line and with its rule, one annotation per new finding, and
//! the `failure` conclusion.
//!
//! Output: one `BENCH_PR round=...` line per round and a `BENCH_PR_SUMMARY ...` line
//! (`key=value` pairs, milliseconds). The breakdown comes from the fake's request timestamps:
//! `accept` (webhook answered), `queue` (answer to the first GitHub call: the job waits for an
//! idle worker's poll), `setup` (check run, pull request, merge base, file list, configuration),
//! `fetch` (base and head contents of the changed files, the tree, the unchanged files' blobs),
//! `analysis` (last file read to the next call: the delta analysis), `report` (existing comments, review, check run completed); `fake` is the
//! time spent inside the fake's handlers (lock waits included), `cpu` the process's CPU time
//! (server, workers, fake and this test together).

mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use snakeguard::forge::github::RetryPolicy;
use snakeguard::server::Secret;
use support::app_server::{AppServer, pull_request_webhook};
use support::fake_github::{FakeGitHub, Recorded};

const REPO: &str = "acme/shop";
const WEBHOOK_SECRET: &str = "bench-webhook-secret";
const TIMEOUT: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(2);
/// Changed Python files in the pull request.
const FILES: usize = 100;
/// Unchanged Python files in the repository besides them.
const UNCHANGED_FILES: usize = 20;
/// The issue 9 target (median, 2 cores).
const TARGET_MS: f64 = 1000.0;
/// How often an idle worker polls the queue (`IDLE_POLL` in src/server/worker.rs).
const WORKER_POLL_MS: u64 = 250;

// ---------------------------------------------------------------------------------------------
// The generated pull request.
// ---------------------------------------------------------------------------------------------

/// Entities of the base code; the additions of the head use the second list, so no new block
/// has the name of an old one.
const ENTITIES: [&str; 20] = [
    "invoice",
    "customer",
    "order",
    "product",
    "shipment",
    "ticket",
    "account",
    "report",
    "coupon",
    "review",
    "project",
    "invite",
    "payment",
    "warehouse",
    "supplier",
    "booking",
    "lesson",
    "article",
    "device",
    "refund",
];
const NEW_ENTITIES: [&str; 20] = [
    "voucher", "courier", "parcel", "tenant", "contract", "badge", "survey", "campaign", "webinar",
    "license", "station", "vehicle", "quote", "receipt", "playlist", "episode", "recipe", "garden",
    "locker", "permit",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Flask,
    Service,
    Django,
    Settings,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    Modified,
    Added,
    Renamed,
}

/// A vulnerability planted on added lines of the head.
#[derive(Clone, Copy, Debug)]
enum Vuln {
    /// Request input into `subprocess` with `shell=True`.
    Command,
    /// Request input formatted into a SQL query.
    Sql,
    /// `yaml.load` without a safe loader.
    Yaml,
    /// `pickle.loads`.
    Pickle,
    /// `hashlib.md5` for an ETag.
    Md5,
    /// `requests` with `verify=False`.
    NoVerify,
    /// `eval` of a formula.
    Eval,
    /// Django `.raw()` with an interpolated query.
    DjangoRaw,
    /// Request input compiled as a Jinja template.
    Template,
    /// Request input as a file path.
    PathTraversal,
    /// `jwt.decode` without signature verification.
    JwtNoVerify,
    /// Django `DEBUG = True` in a settings module.
    DjangoDebug,
}

impl Vuln {
    /// The import the block needs (inserted after `import logging`).
    fn import(self) -> Option<&'static str> {
        match self {
            Vuln::Command => Some("import subprocess"),
            Vuln::Yaml => Some("import yaml"),
            Vuln::Pickle => Some("import pickle"),
            Vuln::Md5 => Some("import hashlib"),
            Vuln::NoVerify => Some("import requests"),
            Vuln::Template => Some("from flask import render_template_string"),
            Vuln::PathTraversal => Some("import os"),
            Vuln::JwtNoVerify => Some("import jwt"),
            Vuln::Sql | Vuln::Eval | Vuln::DjangoRaw | Vuln::DjangoDebug => None,
        }
    }

    /// The block, and the text of its vulnerable line (unique in the file).
    fn block(self, e: &str) -> (String, String) {
        let (template, sink) = match self {
            Vuln::Command => (
                r#"@bp.route("/@ES@/diagnostics", methods=["GET"])
def @E@_diagnostics():
    """Ping the host a @E@ is served from (support tool)."""
    host = request.args.get("host", "localhost")
    output = subprocess.check_output("ping -c 1 " + host, shell=True)
    return jsonify({"output": output.decode("utf-8", "replace")})"#,
                r#"output = subprocess.check_output("ping -c 1 " + host, shell=True)"#,
            ),
            Vuln::Sql => (
                r#"@bp.route("/@ES@/by-status", methods=["GET"])
def @ES@_by_status():
    """@UC@ with one status, for the back office."""
    status = request.args.get("status", "active")
    rows = get_db().execute(f"SELECT id, name, status FROM @ES@ WHERE status = '{status}'").fetchall()
    return jsonify({"items": [dict(row) for row in rows]})"#,
                r#"rows = get_db().execute(f"SELECT id, name, status FROM @ES@ WHERE status = '{status}'").fetchall()"#,
            ),
            Vuln::Yaml => (
                r#"def load_@E@_rules(path: str) -> Dict[str, Any]:
    """Read the @E@ rules file shipped with the deployment."""
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle)"#,
                "return yaml.load(handle)",
            ),
            Vuln::Pickle => (
                r#"def restore_@E@_snapshot(blob: bytes) -> Dict[str, Any]:
    """Undo a @E@ snapshot taken for the nightly export."""
    snapshot = pickle.loads(blob)
    snapshot.setdefault("revision", SCHEMA_REVISION)
    return snapshot"#,
                "snapshot = pickle.loads(blob)",
            ),
            Vuln::Md5 => (
                r#"def @E@_etag(payload: bytes) -> str:
    """A short fingerprint of a @E@ for HTTP caching."""
    return hashlib.md5(payload).hexdigest()"#,
                "return hashlib.md5(payload).hexdigest()",
            ),
            Vuln::NoVerify => (
                r#"def fetch_@E@_rates(base_url: str) -> Dict[str, Any]:
    """Exchange rates from the partner's API."""
    response = requests.get(base_url + "/rates", verify=False, timeout=10)
    response.raise_for_status()
    return response.json()"#,
                r#"response = requests.get(base_url + "/rates", verify=False, timeout=10)"#,
            ),
            Vuln::Eval => (
                r#"def evaluate_@E@_formula(formula: str, values: Mapping[str, float]) -> float:
    """Evaluate a pricing formula configured by an administrator."""
    result = eval(formula, {"__builtins__": {}}, dict(values))
    return float(result)"#,
                r#"result = eval(formula, {"__builtins__": {}}, dict(values))"#,
            ),
            Vuln::DjangoRaw => (
                r#"@login_required
@require_GET
def @E@_yearly_report(request):
    year = request.GET.get("year", "2024")
    rows = @C@.objects.raw(f"SELECT * FROM shop_@E@ WHERE strftime('%Y', created_at) = '{year}'")
    return JsonResponse({"items": [{"id": row.pk, "name": row.name} for row in rows]})"#,
                r#"rows = @C@.objects.raw(f"SELECT * FROM shop_@E@ WHERE strftime('%Y', created_at) = '{year}'")"#,
            ),
            Vuln::Template => (
                r#"@bp.route("/@ES@/preview", methods=["GET"])
def preview_@E@():
    """Preview the heading of a @E@ page."""
    heading = request.args.get("heading", "")
    return render_template_string("<h1>" + heading + "</h1>")"#,
                r#"return render_template_string("<h1>" + heading + "</h1>")"#,
            ),
            Vuln::PathTraversal => (
                r#"ATTACHMENT_DIR = os.environ.get("ATTACHMENT_DIR", "/srv/attachments")


@bp.route("/@ES@/attachment", methods=["GET"])
def @E@_attachment():
    """Download an attachment of a @E@."""
    name = request.args.get("name", "")
    with open(os.path.join(ATTACHMENT_DIR, name), "rb") as handle:
        return handle.read()"#,
                r#"with open(os.path.join(ATTACHMENT_DIR, name), "rb") as handle:"#,
            ),
            Vuln::JwtNoVerify => (
                r#"def @E@_claims(bearer: str) -> Dict[str, Any]:
    """The claims of a partner's bearer credential."""
    claims = jwt.decode(bearer, options={"verify_signature": False})
    return dict(claims)"#,
                r#"claims = jwt.decode(bearer, options={"verify_signature": False})"#,
            ),
            Vuln::DjangoDebug => (
                "DEBUG = True  # for the demo on Friday",
                "DEBUG = True  # for the demo on Friday",
            ),
        };
        (fill(template, e, 0), fill(sink, e, 0))
    }

    /// The rule the planted block must be reported with.
    fn rule(self) -> &'static str {
        match self {
            Vuln::Command => "SG002",
            Vuln::Sql => "SG001",
            Vuln::Yaml => "SG506",
            Vuln::Pickle => "SG301",
            Vuln::Md5 => "SG324",
            Vuln::NoVerify => "SG501",
            Vuln::Eval => "SG307",
            Vuln::DjangoRaw => "SG001",
            Vuln::Template => "SG008",
            Vuln::PathTraversal => "SG004",
            Vuln::JwtNoVerify => "SG850",
            Vuln::DjangoDebug => "SG800",
        }
    }
}

/// Replaces `@E@` (entity), `@ES@` (plural), `@C@` (class name), `@UC@` (capitalised plural),
/// `@UE@` (upper case) and `@R@` (round).
fn fill(template: &str, entity: &str, round: u32) -> String {
    let plural = if entity.ends_with('y') && !entity.ends_with("ey") {
        format!("{}ies", &entity[..entity.len() - 1])
    } else if entity.ends_with('s') || entity.ends_with("ch") {
        format!("{entity}es")
    } else {
        format!("{entity}s")
    };
    let mut class = String::new();
    let mut capital = String::new();
    for (index, c) in entity.chars().enumerate() {
        class.push(if index == 0 {
            c.to_ascii_uppercase()
        } else {
            c
        });
    }
    for (index, c) in plural.chars().enumerate() {
        capital.push(if index == 0 {
            c.to_ascii_uppercase()
        } else {
            c
        });
    }
    template
        .replace("@ES@", &plural)
        .replace("@E@", entity)
        .replace("@C@", &class)
        .replace("@UC@", &capital)
        .replace("@UE@", &entity.to_ascii_uppercase())
        .replace("@R@", &round.to_string())
}

const FLASK_HEADER: &str = r#""""@UC@ endpoints of the shop API (revision @R@ of the generated benchmark code)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from flask import Blueprint, abort, jsonify, request

from shop.db import get_db

logger = logging.getLogger(__name__)
bp = Blueprint("@E@_api", __name__, url_prefix="/api/@ES@")

SCHEMA_REVISION = @R@
PAGE_SIZE_LIMIT = 100


def _positive_int(value: Optional[str], default: int) -> int:
    """Parse a positive integer query parameter, falling back to ``default``."""
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return number if number > 0 else default"#;

const FLASK_BLOCKS: [&str; 8] = [
    r#"@bp.route("/@ES@/<int:@E@_id>", methods=["GET"])
def get_@E@(@E@_id: int):
    """Return one @E@ as JSON, or 404."""
    row = get_db().execute(
        "SELECT id, name, status, created_at FROM @ES@ WHERE id = ?",
        (@E@_id,),
    ).fetchone()
    if row is None:
        abort(404)
    return jsonify(@C@View.from_row(row).to_dict())"#,
    r#"@bp.route("/@ES@", methods=["GET"])
def list_@ES@():
    """List @ES@ page by page, newest first."""
    page = _positive_int(request.args.get("page"), default=1)
    per_page = min(_positive_int(request.args.get("per_page"), default=20), PAGE_SIZE_LIMIT)
    rows = get_db().execute(
        "SELECT id, name, status, created_at FROM @ES@ ORDER BY created_at DESC LIMIT ? OFFSET ?",
        (per_page, (page - 1) * per_page),
    ).fetchall()
    return jsonify({
        "items": [@C@View.from_row(row).to_dict() for row in rows],
        "page": page,
        "per_page": per_page,
    })"#,
    r#"def validate_@E@(payload: Mapping[str, Any]) -> List[str]:
    """Check a @E@ payload; returns the problems found (empty when valid)."""
    errors: List[str] = []
    name = payload.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append("name is required")
    elif len(name) > 120:
        errors.append("name is longer than 120 characters")
    status = payload.get("status", "draft")
    if status not in ("draft", "active", "archived"):
        errors.append("status must be draft, active or archived")
    return errors


@bp.route("/@ES@", methods=["POST"])
def create_@E@():
    """Create a @E@ from a JSON body."""
    payload = request.get_json(silent=True) or {}
    errors = validate_@E@(payload)
    if errors:
        return jsonify({"errors": errors}), 400
    db = get_db()
    cursor = db.execute(
        "INSERT INTO @ES@ (name, status) VALUES (?, ?)",
        (payload["name"].strip(), payload.get("status", "draft")),
    )
    db.commit()
    return jsonify({"id": cursor.lastrowid}), 201"#,
    r#"@bp.route("/@ES@/<int:@E@_id>/status", methods=["PUT"])
def update_@E@_status(@E@_id: int):
    """Move a @E@ to another status."""
    payload = request.get_json(silent=True) or {}
    status = payload.get("status")
    if status not in ("draft", "active", "archived"):
        return jsonify({"error": "unknown status"}), 400
    db = get_db()
    updated = db.execute(
        "UPDATE @ES@ SET status = ? WHERE id = ?",
        (status, @E@_id),
    ).rowcount
    db.commit()
    if updated == 0:
        abort(404)
    logger.info("a @E@ changed status")
    return jsonify({"id": @E@_id, "status": status})"#,
    r#"@dataclass
class @C@View:
    """What the API shows of a @E@."""

    id: int
    name: str
    status: str
    created_at: str
    tags: List[str] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "@C@View":
        return cls(
            id=int(row["id"]),
            name=str(row["name"]),
            status=str(row["status"]),
            created_at=str(row["created_at"]),
        )

    def to_dict(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "created_at": self.created_at,
            "tags": list(self.tags),
        }"#,
    r#"@bp.route("/@ES@/<int:@E@_id>", methods=["DELETE"])
def delete_@E@(@E@_id: int):
    """Delete a @E@; 404 when there is none."""
    db = get_db()
    deleted = db.execute("DELETE FROM @ES@ WHERE id = ?", (@E@_id,)).rowcount
    db.commit()
    if deleted == 0:
        abort(404)
    return "", 204"#,
    r#"@bp.route("/@ES@/search", methods=["GET"])
def search_@ES@():
    """Search @ES@ by name (at least two characters)."""
    term = (request.args.get("q") or "").strip()
    if len(term) < 2:
        return jsonify({"items": [], "hint": "type at least two characters"})
    pattern = "%" + term.replace("%", "").replace("_", "") + "%"
    rows = get_db().execute(
        "SELECT id, name, status, created_at FROM @ES@ WHERE name LIKE ? LIMIT 50",
        (pattern,),
    ).fetchall()
    return jsonify({"items": [@C@View.from_row(row).to_dict() for row in rows]})"#,
    r#"@bp.route("/@ES@/stats", methods=["GET"])
def @E@_stats():
    """Counts of @ES@ by status."""
    rows = get_db().execute(
        "SELECT status, COUNT(*) AS n FROM @ES@ GROUP BY status"
    ).fetchall()
    counts = {row["status"]: row["n"] for row in rows}
    total = sum(counts.values())
    return jsonify({
        "total": total,
        "by_status": counts,
        "active_share": (counts.get("active", 0) / total) if total else 0.0,
    })"#,
];

const SERVICE_HEADER: &str = r#""""@UC@: domain logic of the shop (revision @R@ of the generated benchmark code)."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

logger = logging.getLogger(__name__)

SCHEMA_REVISION = @R@"#;

const SERVICE_BLOCKS: [&str; 8] = [
    r#"@dataclass
class @C@Summary:
    """Aggregated figures for a set of @ES@."""

    count: int = 0
    total_cents: int = 0
    by_status: Dict[str, int] = field(default_factory=dict)

    def add(self, status: str, amount_cents: int) -> None:
        self.count += 1
        self.total_cents += amount_cents
        self.by_status[status] = self.by_status.get(status, 0) + 1

    @property
    def average_cents(self) -> int:
        if self.count == 0:
            return 0
        return self.total_cents // self.count


def summarize_@ES@(rows: Iterable[Mapping[str, Any]]) -> @C@Summary:
    """Fold rows of @ES@ into a summary."""
    summary = @C@Summary()
    for row in rows:
        status = str(row.get("status") or "unknown")
        amount = int(row.get("amount_cents") or 0)
        summary.add(status, amount)
    return summary"#,
    r#"class @C@Repository:
    """Storage of @ES@ behind a small interface (easy to fake in tests)."""

    def __init__(self, connection) -> None:
        self._connection = connection

    def get(self, @E@_id: int) -> Optional[Dict[str, Any]]:
        row = self._connection.execute(
            "SELECT id, name, status, amount_cents FROM @ES@ WHERE id = ?",
            (@E@_id,),
        ).fetchone()
        return dict(row) if row is not None else None

    def by_status(self, status: str) -> List[Dict[str, Any]]:
        rows = self._connection.execute(
            "SELECT id, name, status, amount_cents FROM @ES@ WHERE status = ?",
            (status,),
        ).fetchall()
        return [dict(row) for row in rows]

    def rename(self, @E@_id: int, name: str) -> bool:
        cursor = self._connection.execute(
            "UPDATE @ES@ SET name = ? WHERE id = ?",
            (name.strip(), @E@_id),
        )
        return cursor.rowcount == 1"#,
    r#"def batches_of_@ES@(items: Sequence[Any], size: int = 50) -> Iterator[List[Any]]:
    """Yield ``items`` in lists of at most ``size`` elements."""
    if size <= 0:
        raise ValueError("size must be positive")
    for start in range(0, len(items), size):
        yield list(items[start:start + size])"#,
    r#"def @E@_total_cents(lines: Iterable[Mapping[str, Any]], tax_rate: float = 0.2) -> int:
    """Sum the lines of a @E@ and add tax, rounding half up to the cent."""
    subtotal = 0
    for line in lines:
        quantity = int(line.get("quantity", 1))
        unit = int(line.get("unit_cents", 0))
        if quantity < 0 or unit < 0:
            raise ValueError("negative quantity or price")
        subtotal += quantity * unit
    tax = int(subtotal * tax_rate + 0.5)
    return subtotal + tax"#,
    r#"_@UE@_TRANSITIONS: Dict[str, Tuple[str, ...]] = {
    "draft": ("active", "archived"),
    "active": ("archived",),
    "archived": (),
}


def can_move_@E@(current: str, target: str) -> bool:
    """Whether a @E@ may go from ``current`` to ``target``."""
    return target in _@UE@_TRANSITIONS.get(current, ())


def next_states_of_@E@(current: str) -> List[str]:
    """The statuses a @E@ can move to next, sorted."""
    return sorted(_@UE@_TRANSITIONS.get(current, ()))"#,
    r#"def describe_@E@(record: Mapping[str, Any]) -> str:
    """One line for e-mails and the admin list."""
    name = str(record.get("name", "?"))
    status = str(record.get("status", "unknown"))
    amount = int(record.get("amount_cents", 0))
    return f"{name} ({status}): {amount / 100:.2f} EUR""#,
    r#"class @C@Cache:
    """A small LRU cache of @ES@ by id."""

    def __init__(self, capacity: int = 256) -> None:
        self._capacity = capacity
        self._items: "OrderedDict[int, Dict[str, Any]]" = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: int) -> Optional[Dict[str, Any]]:
        if key in self._items:
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]
        self.misses += 1
        return None

    def put(self, key: int, value: Dict[str, Any]) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)"#,
    r#"def merge_@E@_tags(current: Sequence[str], added: Iterable[str], limit: int = 20) -> List[str]:
    """Add tags to a @E@: trimmed, lower case, no duplicates, at most ``limit``."""
    seen = set()
    merged: List[str] = []
    for tag in list(current) + list(added):
        clean = tag.strip().lower()
        if not clean or clean in seen:
            continue
        seen.add(clean)
        merged.append(clean)
        if len(merged) == limit:
            logger.debug("tag limit reached for a @E@")
            break
    return merged"#,
];

const DJANGO_HEADER: &str = r#""""@UC@: models and views of the back office (revision @R@ of the generated benchmark code)."""

import logging

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

logger = logging.getLogger(__name__)

STATUS_CHOICES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("archived", "Archived"),
]
SCHEMA_REVISION = @R@"#;

const DJANGO_BLOCKS: [&str; 6] = [
    r#"class @C@(models.Model):
    """A @E@ as stored by the ORM."""

    name = models.CharField(max_length=120)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="draft")
    amount_cents = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="@ES@")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.name

    def can_view(self, user) -> bool:
        return user.is_staff or self.owner_id == user.id

    def can_edit(self, user) -> bool:
        return self.can_view(user) and self.status != "archived""#,
    r#"@login_required
@require_GET
def @E@_detail(request, pk):
    """One @E@ as JSON."""
    obj = get_object_or_404(@C@, pk=pk)
    if not obj.can_view(request.user):
        return HttpResponseForbidden()
    return JsonResponse({"id": obj.pk, "name": obj.name, "status": obj.status})"#,
    r#"@login_required
@require_GET
def @E@_list(request):
    """The newest @ES@ with one status."""
    status = request.GET.get("status", "active")
    if status not in dict(STATUS_CHOICES):
        status = "active"
    queryset = @C@.objects.filter(status=status).order_by("-created_at")[:50]
    return JsonResponse({"items": [{"id": obj.pk, "name": obj.name} for obj in queryset]})"#,
    r#"@login_required
@require_POST
def @E@_archive(request, pk):
    """Archive a @E@ the user may edit."""
    obj = get_object_or_404(@C@, pk=pk)
    if not obj.can_edit(request.user):
        return HttpResponseForbidden()
    obj.status = "archived"
    obj.save(update_fields=["status"])
    logger.info("a @E@ was archived")
    return JsonResponse({"id": obj.pk, "status": obj.status})"#,
    r#"class @C@QuerySet(models.QuerySet):
    """Common filters on @ES@."""

    def active(self):
        return self.filter(status="active")

    def owned_by(self, user):
        return self.filter(owner=user)

    def search(self, term: str):
        return self.filter(name__icontains=term.strip())[:100]

    def total_cents(self) -> int:
        return sum(obj.amount_cents for obj in self)"#,
    r#"@login_required
@require_GET
def @E@_summary(request):
    """Counts of the user's @ES@ by status."""
    counts = {}
    for obj in @C@.objects.filter(owner=request.user).only("status"):
        counts[obj.status] = counts.get(obj.status, 0) + 1
    return JsonResponse({"counts": counts, "total": sum(counts.values())})"#,
];

const SETTINGS: &str = r#""""Django settings of the back office (revision @R@ of the generated benchmark code)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]

DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "shop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DB_NAME", "shop"),
        "HOST": os.environ.get("DB_HOST", "localhost"),
        "PORT": int(os.environ.get("DB_PORT", "5432")),
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}"#;

/// A module: a header and top-level blocks.
#[derive(Clone)]
struct Module {
    header: String,
    blocks: Vec<String>,
}

impl Module {
    fn text(&self) -> String {
        let mut text = self.header.clone();
        for block in &self.blocks {
            text.push_str("\n\n\n");
            text.push_str(block);
        }
        text.push('\n');
        text
    }

    fn import(&mut self, line: &str) {
        if !self.header.contains(&format!("\n{line}\n")) {
            self.header =
                self.header
                    .replacen("import logging\n", &format!("import logging\n{line}\n"), 1);
        }
    }
}

fn kind_of(index: usize) -> Kind {
    if index == 96 {
        Kind::Settings
    } else {
        [Kind::Flask, Kind::Service, Kind::Django][index % 3]
    }
}

fn status_of(index: usize) -> Status {
    match index {
        18 | 53 => Status::Renamed,
        _ if index % 10 >= 6 => Status::Added,
        _ => Status::Modified,
    }
}

/// The planted vulnerabilities: file index -> vulnerability (added lines of the head).
fn plant_of(index: usize) -> Option<Vuln> {
    Some(match index {
        0 => Vuln::Command,
        21 => Vuln::Sql,
        1 => Vuln::Yaml,
        34 => Vuln::Pickle,
        40 => Vuln::Md5,
        64 => Vuln::NoVerify,
        82 => Vuln::Eval,
        2 => Vuln::DjangoRaw,
        27 => Vuln::Template,
        18 => Vuln::PathTraversal,
        88 => Vuln::JwtNoVerify,
        96 => Vuln::DjangoDebug,
        _ => return None,
    })
}

/// Vulnerable code already in the base and left alone by the change (not new: no comment).
fn preexisting_of(index: usize) -> Option<Vuln> {
    match index {
        4 => Some(Vuln::Yaml),
        18 => Some(Vuln::Md5),
        _ => None,
    }
}

/// Vulnerable code of the base that the change deletes (a fixed finding).
fn fixed_of(index: usize) -> Option<Vuln> {
    (index == 10).then_some(Vuln::Pickle)
}

fn path_of(index: usize, kind: Kind) -> String {
    let entity = ENTITIES[index % ENTITIES.len()];
    match kind {
        Kind::Flask => format!("shop/api/{entity}_{index:03}.py"),
        Kind::Service => format!("shop/services/{entity}_{index:03}.py"),
        Kind::Django => format!("backoffice/{entity}_{index:03}/models_and_views.py"),
        Kind::Settings => format!("backoffice/settings_{index:03}.py"),
    }
}

fn templates(kind: Kind) -> (&'static str, &'static [&'static str]) {
    match kind {
        Kind::Flask => (FLASK_HEADER, &FLASK_BLOCKS),
        Kind::Service => (SERVICE_HEADER, &SERVICE_BLOCKS),
        Kind::Django => (DJANGO_HEADER, &DJANGO_BLOCKS),
        Kind::Settings => (SETTINGS, &[]),
    }
}

/// The base version of module `index`: 12 to 20 blocks.
fn base_module(index: usize, kind: Kind, round: u32) -> Module {
    let (header, blocks) = templates(kind);
    let main_entity = ENTITIES[index % ENTITIES.len()];
    let mut module = Module {
        header: fill(header, main_entity, round),
        blocks: Vec::new(),
    };
    if kind == Kind::Settings {
        return module;
    }
    let count = 12 + (index * 5) % 9;
    let mut used = BTreeSet::new();
    for j in 0..count {
        let template = (index + j) % blocks.len();
        let mut e = (index * 7 + j * 3) % ENTITIES.len();
        while !used.insert((template, e)) {
            e = (e + 1) % ENTITIES.len();
        }
        module
            .blocks
            .push(fill(blocks[template], ENTITIES[e], round));
    }
    module
}

/// A realistic edit of a block: a note after its first line, and a tightened limit.
fn edit_block(block: &str) -> String {
    let mut lines: Vec<String> = block.lines().map(str::to_string).collect();
    let at = lines
        .iter()
        .position(|line| line.starts_with("def ") || line.starts_with("class "))
        .expect("every block defines a function or a class");
    lines.insert(
        at + 1,
        "    # Reviewed for the 2.0 API: keep in sync with docs/api.md.".to_string(),
    );
    lines
        .join("\n")
        .replace("LIMIT 50", "LIMIT 40")
        .replace("default=20", "default=25")
        .replace("capacity: int = 256", "capacity: int = 512")
}

/// The head version of a changed module: some blocks edited, one removed, new ones added.
fn head_module(index: usize, kind: Kind, base: &Module, round: u32) -> Module {
    let (_, blocks) = templates(kind);
    let mut module = base.clone();
    if kind == Kind::Settings {
        return module;
    }
    for (j, block) in module.blocks.iter_mut().enumerate() {
        if (index + j) % 4 == 1 {
            *block = edit_block(block);
        }
    }
    if module.blocks.len() > 10 {
        module.blocks.remove(2);
    }
    let additions = 1 + index % 3;
    for k in 0..additions {
        let template = (index + k * 3 + 1) % blocks.len();
        let entity = NEW_ENTITIES[(index + k * 7) % NEW_ENTITIES.len()];
        let block = fill(blocks[template], entity, round);
        if k == 0 {
            let middle = module.blocks.len() / 2;
            module.blocks.insert(middle, block);
        } else {
            module.blocks.push(block);
        }
    }
    module
}

/// One changed file of the pull request.
struct ChangedFile {
    status: Status,
    base_path: Option<String>,
    path: String,
    base: Option<String>,
    head: String,
}

/// A planted vulnerability: where the comment must go.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    path: String,
    line: u32,
    rule: &'static str,
}

struct PullRequest {
    files: Vec<ChangedFile>,
    unchanged: Vec<(String, String)>,
    expected: Vec<Expected>,
    preexisting: usize,
    fixed: usize,
}

impl PullRequest {
    fn generate(round: u32) -> PullRequest {
        let mut files = Vec::new();
        let mut expected = Vec::new();
        let mut preexisting = 0;
        let mut fixed = 0;
        for index in 0..FILES {
            let kind = kind_of(index);
            let status = status_of(index);
            let path = path_of(index, kind);
            let mut base = base_module(index, kind, round);
            let entity = NEW_ENTITIES[(index * 11 + 5) % NEW_ENTITIES.len()];
            if let Some(vuln) = preexisting_of(index) {
                let (block, _) = vuln.block(ENTITIES[(index + 3) % ENTITIES.len()]);
                if let Some(line) = vuln.import() {
                    base.import(line);
                }
                base.blocks.insert(1, block);
                preexisting += 1;
            }
            if let Some(vuln) = fixed_of(index) {
                let (block, _) = vuln.block(ENTITIES[(index + 5) % ENTITIES.len()]);
                if let Some(line) = vuln.import() {
                    base.import(line);
                }
                base.blocks.push(block);
            }
            let mut head = match status {
                Status::Added => {
                    // A new module: different entities from the base generator.
                    let mut module = base_module(index + 7, kind, round);
                    module.header = base.header.clone();
                    module
                }
                Status::Modified | Status::Renamed => head_module(index, kind, &base, round),
            };
            if let Some(vuln) = fixed_of(index) {
                let (_, sink) = vuln.block(ENTITIES[(index + 5) % ENTITIES.len()]);
                head.blocks.retain(|block| !block.contains(&sink));
                fixed += 1;
            }
            let mut sink = None;
            if let Some(vuln) = plant_of(index) {
                let (block, line) = vuln.block(entity);
                if let Some(import) = vuln.import() {
                    head.import(import);
                }
                if kind == Kind::Settings {
                    // Settings are one block: the planted line replaces the safe setting.
                    head.header = head.header.replacen(
                        "DEBUG = os.environ.get(\"DJANGO_DEBUG\") == \"1\"",
                        &block,
                        1,
                    );
                } else {
                    let at = (head.blocks.len() * 2) / 3;
                    head.blocks.insert(at, block);
                }
                sink = Some((vuln, line));
            }
            let head_text = head.text();
            if let Some((vuln, line)) = sink {
                let numbers: Vec<u32> = head_text
                    .lines()
                    .enumerate()
                    .filter(|(_, text)| text.trim() == line)
                    .map(|(number, _)| number as u32 + 1)
                    .collect();
                assert_eq!(numbers.len(), 1, "the sink of {vuln:?} in {path}");
                expected.push(Expected {
                    path: path.clone(),
                    line: numbers[0],
                    rule: vuln.rule(),
                });
            }
            let (base_path, base_text) = match status {
                Status::Added => (None, None),
                Status::Modified => (Some(path.clone()), Some(base.text())),
                Status::Renamed => (
                    Some(
                        path.replace("shop/", "shop/legacy/")
                            .replace("backoffice/", "legacy/"),
                    ),
                    Some(base.text()),
                ),
            };
            files.push(ChangedFile {
                status,
                base_path,
                path,
                base: base_text,
                head: head_text,
            });
        }
        let unchanged = (0..UNCHANGED_FILES)
            .map(|k| {
                let index = FILES + k;
                let kind = kind_of(index);
                (
                    path_of(index, kind).replace(".py", "_stable.py"),
                    base_module(index, kind, round).text(),
                )
            })
            .collect();
        expected.sort();
        PullRequest {
            files,
            unchanged,
            expected,
            preexisting,
            fixed,
        }
    }

    /// Lines added and removed (what GitHub counts as `additions` and `deletions`).
    fn changed_lines(&self) -> (usize, usize) {
        let mut added = 0;
        let mut removed = 0;
        for file in &self.files {
            let hunks =
                snakeguard::diff::diff_texts(file.base.as_deref().unwrap_or(""), &file.head, 3);
            for line in hunks.iter().flat_map(|hunk| &hunk.lines) {
                match line.kind {
                    snakeguard::diff::LineKind::Added => added += 1,
                    snakeguard::diff::LineKind::Removed => removed += 1,
                    snakeguard::diff::LineKind::Context => {}
                }
            }
        }
        (added, removed)
    }

    fn head_lines(&self) -> usize {
        self.files.iter().map(|f| f.head.lines().count()).sum()
    }

    fn base_lines(&self) -> usize {
        self.files
            .iter()
            .filter_map(|f| f.base.as_ref())
            .map(|text| text.lines().count())
            .sum()
    }

    fn head_bytes(&self) -> usize {
        self.files.iter().map(|f| f.head.len()).sum()
    }

    fn count(&self, status: Status) -> usize {
        self.files.iter().filter(|f| f.status == status).count()
    }

    /// Seeds the fake: the base commit (changed files at their base paths and the unchanged
    /// ones) and the head commit on top of it. Returns (base sha, head sha).
    fn seed(&self, fake: &FakeGitHub) -> (String, String) {
        let mut base: Vec<(&str, Option<&str>)> = self
            .unchanged
            .iter()
            .map(|(path, text)| (path.as_str(), Some(text.as_str())))
            .collect();
        let mut head: Vec<(&str, Option<&str>)> = Vec::new();
        for file in &self.files {
            if let (Some(path), Some(text)) = (&file.base_path, &file.base) {
                base.push((path.as_str(), Some(text.as_str())));
            }
            if file.status == Status::Renamed {
                let from = file.base_path.as_deref().expect("renamed from");
                head.push((from, None));
                fake.detect_rename(REPO, from, &file.path);
            }
            head.push((file.path.as_str(), Some(file.head.as_str())));
        }
        let base_sha = fake.commit(REPO, None, &base);
        let head_sha = fake.commit(REPO, Some(&base_sha), &head);
        (base_sha, head_sha)
    }
}

/// Writes the generated base and head trees under `dir` (env `BENCH_PR_DUMP`), to look at
/// them or scan them with the CLI.
fn dump(pull: &PullRequest, dir: &std::path::Path) {
    for file in &pull.files {
        if let (Some(path), Some(text)) = (&file.base_path, &file.base) {
            let target = dir.join("base").join(path);
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::write(target, text).expect("write");
        }
        let target = dir.join("head").join(&file.path);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(target, &file.head).expect("write");
    }
}

// ---------------------------------------------------------------------------------------------
// The run.
// ---------------------------------------------------------------------------------------------

/// Process CPU time (user + system) in milliseconds, from /proc (Linux; USER_HZ = 100).
fn process_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of stat(5); `after` starts at field 3.
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    Some((user + system) * 10.0)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// One round's measurements.
#[derive(Debug, Clone, Default)]
struct Round {
    wall: f64,
    accept: f64,
    queue: f64,
    setup: f64,
    fetch: f64,
    analysis: f64,
    report: f64,
    fake: f64,
    cpu: Option<f64>,
    requests: usize,
    fetch_requests: usize,
    comments: usize,
    annotations: usize,
}

/// Reading files: the changed files' contents, the repository tree and the unchanged files'
/// blobs (read for effects of the change on unchanged files).
fn is_content_fetch(request: &Recorded) -> bool {
    request.method == "GET"
        && ((request.path.contains("/contents/")
            && (request.path.ends_with(".py") || request.path.ends_with(".pyi")))
            || request.path.contains("/git/trees/")
            || request.path.contains("/git/blobs/"))
}

/// The breakdown of a round from the fake's records (`requests` are this round's, in order).
fn breakdown(requests: &[Recorded], sent: Instant, accepted: Instant) -> Round {
    let first = requests.first().expect("the worker called GitHub");
    let last = requests.last().expect("the worker called GitHub");
    let fetches: Vec<&Recorded> = requests.iter().filter(|r| is_content_fetch(r)).collect();
    let first_fetch = fetches.first().expect("contents were fetched");
    let last_fetch_index = requests
        .iter()
        .rposition(is_content_fetch)
        .expect("contents were fetched");
    let last_fetch = &requests[last_fetch_index];
    let after_fetch = requests
        .get(last_fetch_index + 1)
        .expect("a call after the analysis");
    Round {
        wall: ms(last.at - sent),
        accept: ms(accepted - sent),
        queue: ms(first.received.saturating_duration_since(accepted)),
        setup: ms(first_fetch.received - first.received),
        fetch: ms(last_fetch.at - first_fetch.received),
        analysis: ms(after_fetch
            .received
            .saturating_duration_since(last_fetch.at)),
        report: ms(last.at - after_fetch.received),
        fake: requests.iter().map(|r| ms(r.at - r.received)).sum(),
        requests: requests.len(),
        fetch_requests: fetches.len(),
        ..Round::default()
    }
}

/// Checks that the review and the check run of `number` / `head` are the planted findings.
fn verify(fake: &FakeGitHub, pull: &PullRequest, number: u64, head: &str) -> (usize, usize) {
    let comments: Vec<_> = fake
        .comments(REPO)
        .into_iter()
        .filter(|c| c.pull == number)
        .collect();
    let mut got: Vec<(String, u32)> = comments.iter().map(|c| (c.path.clone(), c.line)).collect();
    got.sort();
    let want: Vec<(String, u32)> = pull
        .expected
        .iter()
        .map(|e| (e.path.clone(), e.line))
        .collect();
    assert_eq!(
        got,
        want,
        "line comments of pull request {number} are not the planted vulnerabilities:\n{}",
        comments
            .iter()
            .map(|c| format!(
                "{}:{} {}",
                c.path,
                c.line,
                c.body.lines().next().unwrap_or("")
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
    for expected in &pull.expected {
        let comment = comments
            .iter()
            .find(|c| c.path == expected.path && c.line == expected.line)
            .expect("matched above");
        assert!(
            comment.body.contains(expected.rule),
            "{}:{} should be {}: {}",
            expected.path,
            expected.line,
            expected.rule,
            comment.body
        );
    }
    let reviews = fake.repo(REPO, |r| {
        r.reviews
            .iter()
            .filter(|review| review["pull"] == number)
            .cloned()
            .collect::<Vec<_>>()
    });
    assert_eq!(reviews.len(), 1, "{reviews:?}");
    assert_eq!(reviews[0]["comments"], pull.expected.len());

    let runs: Vec<_> = fake
        .check_runs(REPO)
        .into_iter()
        .filter(|run| run.head_sha == head)
        .collect();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run.status, "completed");
    assert_eq!(
        run.conclusion.as_deref(),
        Some("failure"),
        "{:?}",
        run.title
    );
    let mut annotated: Vec<(String, u32)> = run
        .annotations
        .iter()
        .map(|a| {
            (
                a["path"].as_str().expect("path").to_string(),
                a["start_line"].as_u64().expect("line") as u32,
            )
        })
        .collect();
    annotated.sort();
    assert_eq!(
        annotated, want,
        "annotations are not the planted vulnerabilities"
    );
    let summary = run.summary.as_deref().unwrap_or_default();
    assert!(
        run.title
            .as_deref()
            .is_some_and(|t| t.starts_with(&format!("{} new security issues", want.len()))),
        "{:?}",
        run.title
    );
    assert!(!summary.is_empty());
    (comments.len(), run.annotations.len())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with `bench/pr.sh` (cargo test --release --test bench_pr -- --ignored --nocapture)"]
async fn pull_request_of_100_files_end_to_end() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .map(|v| v.parse().expect("RUNS is a number"))
        .unwrap_or(5);
    let latency_ms: u64 = std::env::var("LATENCY_MS")
        .ok()
        .map(|v| v.parse().expect("LATENCY_MS is a number"))
        .unwrap_or(0);
    let fake = FakeGitHub::start().await;
    fake.set_latency(Duration::from_millis(latency_ms));
    // `snakeguard serve`'s default: 2 workers.
    let server = AppServer::start(&fake.url, RetryPolicy::default(), 2, WEBHOOK_SECRET).await;
    let url = format!("{}/webhooks/github", server.url);
    let client = reqwest::Client::new();

    let mut results = Vec::new();
    let mut shape = None;
    for round in 0..=runs {
        let pull = PullRequest::generate(round as u32);
        if round == 0 {
            if let Ok(dir) = std::env::var("BENCH_PR_DUMP") {
                dump(&pull, std::path::Path::new(&dir));
            }
            let (added, removed) = pull.changed_lines();
            shape = Some(format!(
                "files={} modified={} added={} renamed={} unchanged_files={} head_lines={} base_lines={} head_bytes={} additions={added} deletions={removed} planted={} preexisting={} fixed={}",
                pull.files.len(),
                pull.count(Status::Modified),
                pull.count(Status::Added),
                pull.count(Status::Renamed),
                pull.unchanged.len(),
                pull.head_lines(),
                pull.base_lines(),
                pull.head_bytes(),
                pull.expected.len(),
                pull.preexisting,
                pull.fixed,
            ));
        }
        let number = 1000 + round as u64;
        let (base_sha, head_sha) = pull.seed(&fake);
        fake.open_pull_request(REPO, number, &base_sha, &head_sha);
        let body = pull_request_webhook(REPO, number, &base_sha, &head_sha);
        let signature = Secret::new(WEBHOOK_SECRET).github_signature(&body);
        // Spread the arrivals over the workers' poll cycle (untimed).
        let gap = (round as u64 * 97) % WORKER_POLL_MS;
        tokio::time::sleep(Duration::from_millis(gap)).await;
        let before = fake.requests().len();
        let cpu_before = process_cpu_ms();

        let sent = Instant::now();
        let status = client
            .post(&url)
            .header("X-GitHub-Event", "pull_request")
            .header("X-GitHub-Delivery", format!("bench-delivery-{number}"))
            .header("X-Hub-Signature-256", signature)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .expect("webhook request")
            .status();
        let accepted = Instant::now();
        assert_eq!(status, reqwest::StatusCode::ACCEPTED);
        loop {
            let done = fake.repo(REPO, |r| {
                r.reviews.iter().any(|review| review["pull"] == number)
                    && r.check_runs
                        .iter()
                        .any(|run| run.head_sha == head_sha && run.status == "completed")
            });
            if done {
                break;
            }
            assert!(
                sent.elapsed() < TIMEOUT,
                "round {round}: no review and completed check run after {TIMEOUT:?}; problems: {:?}",
                fake.problems()
            );
            tokio::time::sleep(POLL).await;
        }
        let cpu_after = process_cpu_ms();
        let requests = fake.requests().split_off(before);
        let completing = requests.last().expect("requests");
        assert!(
            completing.method == "PATCH" && completing.path.contains("/check-runs/"),
            "the last call completes the check run: {} {}",
            completing.method,
            completing.path
        );
        let mut result = breakdown(&requests, sent, accepted);
        result.cpu = cpu_before.zip(cpu_after).map(|(a, b)| b - a);
        let (comments, annotations) = verify(&fake, &pull, number, &head_sha);
        result.comments = comments;
        result.annotations = annotations;
        println!(
            "BENCH_PR round={} warmup={} gap_ms={gap} wall_ms={:.1} accept_ms={:.1} queue_ms={:.1} setup_ms={:.1} fetch_ms={:.1} analysis_ms={:.1} report_ms={:.1} fake_ms={:.1} cpu_ms={} requests={} fetch_requests={} comments={} annotations={}",
            round,
            round == 0,
            result.wall,
            result.accept,
            result.queue,
            result.setup,
            result.fetch,
            result.analysis,
            result.report,
            result.fake,
            result.cpu.map_or("na".to_string(), |c| format!("{c:.0}")),
            result.requests,
            result.fetch_requests,
            result.comments,
            result.annotations,
        );
        if round > 0 {
            results.push(result);
        }
    }

    server.stop().await;
    fake.assert_clean();

    if results.is_empty() {
        return;
    }
    let column = |f: fn(&Round) -> f64| -> Vec<f64> { results.iter().map(f).collect() };
    let mut wall = column(|r| r.wall);
    let mut without_queue = column(|r| r.wall - r.queue);
    let med = median(&mut wall);
    let (min, max) = (wall[0], wall[wall.len() - 1]);
    let mut cpu: Vec<f64> = results.iter().filter_map(|r| r.cpu).collect();
    println!(
        "BENCH_PR_SUMMARY runs={} latency_ms={latency_ms} {} median_ms={med:.1} min_ms={min:.1} max_ms={max:.1} median_without_queue_ms={:.1} median_accept_ms={:.1} median_queue_ms={:.1} median_setup_ms={:.1} median_fetch_ms={:.1} median_analysis_ms={:.1} median_report_ms={:.1} median_fake_ms={:.1} median_cpu_ms={} requests={} target_ms={TARGET_MS:.0} target_met={}",
        results.len(),
        shape.unwrap_or_default(),
        median(&mut without_queue),
        median(&mut column(|r| r.accept)),
        median(&mut column(|r| r.queue)),
        median(&mut column(|r| r.setup)),
        median(&mut column(|r| r.fetch)),
        median(&mut column(|r| r.analysis)),
        median(&mut column(|r| r.report)),
        median(&mut column(|r| r.fake)),
        if cpu.is_empty() {
            "na".to_string()
        } else {
            format!("{:.0}", median(&mut cpu))
        },
        results[0].requests,
        if med < TARGET_MS { "yes" } else { "no" },
    );
}
