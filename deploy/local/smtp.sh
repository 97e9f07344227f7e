#!/usr/bin/env bash
# Starts a local SMTP server (Debian's python3-aiosmtpd, installed when missing) that keeps every
# message it receives in a Maildir under .local/smtp/, for the e-mail delivery tests and run.sh's
# demo. Sourced after postgres.sh; exports LEADGRAINS_SMTP_PORT and LEADGRAINS_SMTP_MAILDIR, and
# stop_local_smtp stops the server if this shell started it. The port follows PostgreSQL's
# (55432 -> 2525), so worktrees with their own PostgreSQL also get their own SMTP server.
set -euo pipefail

LEADGRAINS_SMTP_PORT=${LEADGRAINS_SMTP_PORT:-$((2525 + ${LEADGRAINS_PG_PORT:-55432} - 55432))}
LEADGRAINS_SMTP_MAILDIR="$LEADGRAINS_ROOT/.local/smtp/maildir"
export LEADGRAINS_SMTP_PORT LEADGRAINS_SMTP_MAILDIR
LEADGRAINS_SMTP_PID=""

if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  echo "[smtp] installing python3-aiosmtpd from the OS packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null
fi

smtp_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$LEADGRAINS_SMTP_PORT") 2>/dev/null; }

if smtp_listening; then
  echo "[smtp] using the server already on 127.0.0.1:${LEADGRAINS_SMTP_PORT}"
else
  mkdir -p "$LEADGRAINS_SMTP_MAILDIR"/{new,cur,tmp}
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:${LEADGRAINS_SMTP_PORT}" -c aiosmtpd.handlers.Mailbox "$LEADGRAINS_SMTP_MAILDIR" \
    >"$LEADGRAINS_ROOT/.local/smtp/server.log" 2>&1 &
  LEADGRAINS_SMTP_PID=$!
  for _ in $(seq 1 50); do smtp_listening && break; sleep 0.1; done
  smtp_listening || { echo "[smtp] the server did not start (see .local/smtp/server.log)" >&2; exit 1; }
  echo "[smtp] listening on 127.0.0.1:${LEADGRAINS_SMTP_PORT}, messages in ${LEADGRAINS_SMTP_MAILDIR}/new"
fi

stop_local_smtp() { if [ -n "$LEADGRAINS_SMTP_PID" ]; then kill "$LEADGRAINS_SMTP_PID" 2>/dev/null || true; fi; }
