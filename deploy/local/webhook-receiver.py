#!/usr/bin/env python3
"""A local webhook receiver for trying delivery by hand: prints every webhook it receives and checks
its Standard Webhooks signature (HMAC-SHA256 over "id.timestamp.body") against the secret in the
file named by --secret-file, when that file exists. Answers 200, or the status given by --status.

    deploy/local/webhook-receiver.py [--port 8099] [--secret-file .local/webhook-secret] [--status 200]
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verified(secret, headers, body):
    key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
    signed = f"{headers.get('webhook-id')}.{headers.get('webhook-timestamp')}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    given = [s[3:] for s in (headers.get("webhook-signature") or "").split() if s.startswith("v1,")]
    return any(hmac.compare_digest(expected, s) for s in given)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--secret-file", default=".local/webhook-secret")
    parser.add_argument("--status", type=int, default=200)
    args = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            check = "no secret file"
            if os.path.exists(args.secret_file):
                with open(args.secret_file) as f:
                    check = "valid" if verified(f.read().strip(), self.headers, body) else "INVALID"
            try:
                pretty = json.dumps(json.loads(body), indent=2)
            except ValueError:
                pretty = body.decode(errors="replace")
            print(f"--- webhook {self.headers.get('webhook-id')} at {self.headers.get('webhook-timestamp')}, "
                  f"signature {check}\n{pretty}", flush=True)
            self.send_response(args.status)
            self.end_headers()

        def log_message(self, *_):
            pass

    print(f"[webhooks] listening on http://127.0.0.1:{args.port}/", flush=True)
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    sys.exit(main())
