#!/usr/bin/env python3
"""Pre-signs K distinct pull_request webhook bodies for bench/webhook.lua.

wrk's Lua has no HMAC, and the signature covers only the body, so the load generator cycles
through bodies signed here and makes every request unique through its X-GitHub-Delivery
header. Body k is the realistic fixture tests/fixtures/webhooks/pull_request_opened.json
(about 25 KB) with PR number 1000+k and a head sha derived from k, so the run should end
with exactly K pending jobs.

Output: one line per body, "<signature>\t<compact JSON>\t<pr number>\t<head sha>".
Usage: webhook_bodies.py SECRET K FIXTURE > bodies.tsv
"""
import hashlib
import hmac
import json
import sys


def main() -> None:
    secret, count, fixture = sys.argv[1].encode(), int(sys.argv[2]), sys.argv[3]
    with open(fixture, encoding="utf-8") as f:
        event = json.load(f)
    for k in range(count):
        number = 1000 + k
        sha = hashlib.sha1(f"bench-{k}".encode()).hexdigest()
        event["number"] = number
        event["pull_request"]["number"] = number
        event["pull_request"]["head"]["sha"] = sha
        body = json.dumps(event, separators=(",", ":")).encode()
        sig = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        sys.stdout.write(f"{sig}\t{body.decode()}\t{number}\t{sha}\n")


if __name__ == "__main__":
    main()
