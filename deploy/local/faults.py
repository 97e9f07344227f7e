#!/usr/bin/env python3
"""The fault campaign, run by deploy/local/faults.sh (which builds, starts PostgreSQL and sets the
environment this reads). Three silo processes and the API as their Orleans client take a steady
open-loop load of leads submitted and approved over HTTP (each request retried with its
Idempotency-Key on 503, 504, 409-in-progress and broken connections, as a careful client would) and
of deposits, while each scenario breaks something and heals it. Afterwards every lead of the
scenario must be terminal, no lead dead-lettered, I1-I7 and the refund invariants R1-R4 hold,
nothing charged twice, every accepted deposit present and every approved return refunded once. Prints one table row per scenario, then the negative control."""
import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

ROOT = os.environ["LEADGRAINS_ROOT"]
PG_PORT = os.environ["LEADGRAINS_PG_PORT"]
PG_BIN = os.environ["PG_BIN"]
PG_DATA = os.environ["PG_DATA"]
DATABASE = "lg_faults"
CLUSTER_ID = "leadgrains-faults"
SILO_DIR = f"{ROOT}/src/LeadGrains.Silo/bin/Release/net10.0"
API_DIR = f"{ROOT}/src/LeadGrains.Api/bin/Release/net10.0"
LOG_DIR = f"{ROOT}/.local/logs/faults"
SIGNING_KEY = base64.b64encode(os.urandom(48)).decode()
# Seals the webhook secrets the silos store (a silo does not start without one).
WEBHOOK_SECRET_KEY = base64.b64encode(os.urandom(32)).decode()
ISSUER, AUDIENCE = "leadgrains-faults", "leadgrains-api"
TERMINAL = ("distributed", "no_eligible", "failed", "expired")
RETRYABLE = (429, 503, 504)


def log(message):
    print(f"[faults {time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---- PostgreSQL -------------------------------------------------------------------------------

def sql(query, database=DATABASE, check=True):
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "leadgrains", "-d", database, "-v", "ON_ERROR_STOP=1", "-tAq", "-c", query],
        capture_output=True, text=True, env={**os.environ, "PGPASSWORD": "leadgrains"})
    if check and result.returncode != 0:
        raise RuntimeError(f"psql failed: {result.stderr.strip()}")
    return result.stdout.strip() if result.returncode == 0 else None


def pg_ctl(*arguments):
    command = [f"{PG_BIN}/pg_ctl", "-D", PG_DATA, *arguments]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def wait_for_postgres():
    for _ in range(120):
        if subprocess.run([f"{PG_BIN}/pg_isready", "-q", "-h", "127.0.0.1", "-p", PG_PORT]).returncode == 0:
            return
        time.sleep(0.5)
    raise RuntimeError("PostgreSQL did not come back")


# ---- Processes --------------------------------------------------------------------------------

class Cluster:
    def __init__(self, args):
        self.args = args
        self.silos = {}
        self.api = None
        self.env = {
            **os.environ,
            # Silos and the API run as the application role; only the migrate command uses the owner.
            "ConnectionStrings__LeadGrains": f"Host=127.0.0.1;Port={PG_PORT};Username=leadgrains_app;Password=leadgrains_app;Database={DATABASE}",
            "ConnectionStrings__LeadGrainsOwner": f"Host=127.0.0.1;Port={PG_PORT};Username=leadgrains;Password=leadgrains;Database={DATABASE}",
            "LeadGrains__ClusterId": CLUSTER_ID,
            "LeadGrains__MigrateOnStart": "false",
            "LeadGrains__Delivery__Enabled": "false",
            "LeadGrains__Auth__SigningKey": SIGNING_KEY,
            "LeadGrains__Delivery__SecretKeys__0": WEBHOOK_SECRET_KEY,
            "LeadGrains__Auth__Issuer": ISSUER,
            "LeadGrains__Auth__Audience": AUDIENCE,
            "LeadGrains__RateLimits__IntakePermits": "100000",
        }
        self.generation = {}

    def silo_http(self, i):
        return self.args.http_port + i

    def start_silo(self, i):
        # The membership row of this start is the first with a higher generation than any before it.
        self.generation[i] = int(sql(f"SELECT coalesce(max(generation), 0) FROM orleansmembershiptable "
                                     f"WHERE deploymentid = '{CLUSTER_ID}' AND port = {self.args.silo_port + i}"))
        out = open(f"{LOG_DIR}/silo-{i}.log", "a")
        self.silos[i] = subprocess.Popen(
            ["dotnet", f"{SILO_DIR}/LeadGrains.Silo.dll", "--contentRoot", SILO_DIR,
             "--urls", f"http://127.0.0.1:{self.silo_http(i)}",
             f"--LeadGrains:SiloPort={self.args.silo_port + i}", f"--LeadGrains:GatewayPort={self.args.gateway_port + i}"],
            env=self.env, stdout=out, stderr=subprocess.STDOUT)

    def wait_silo_active(self, i, timeout=180):
        deadline = time.time() + timeout
        while time.time() < deadline:
            active = sql(f"SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = '{CLUSTER_ID}' "
                         f"AND port = {self.args.silo_port + i} AND status = 3 AND generation > {self.generation[i]}", check=False)
            if active and int(active) > 0 and self.silos[i].poll() is None:
                return
            time.sleep(0.5)
        raise RuntimeError(f"silo {i} did not join")

    def kill_silo(self, i):
        self.silos[i].send_signal(signal.SIGKILL)
        self.silos[i].wait()

    def stop_silo(self, i):
        self.silos[i].send_signal(signal.SIGTERM)
        try:
            self.silos[i].wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill_silo(i)

    def start_api(self):
        out = open(f"{LOG_DIR}/api.log", "a")
        self.api = subprocess.Popen(
            ["dotnet", f"{API_DIR}/LeadGrains.Api.dll", "--contentRoot", API_DIR,
             "--urls", f"http://127.0.0.1:{self.args.http_port}"],
            env=self.env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.args.http_port}/health/ready", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, http.client.HTTPException, TimeoutError):
                pass
            time.sleep(0.5)
        raise RuntimeError("the API did not become ready")

    def kill_api(self):
        self.api.send_signal(signal.SIGKILL)
        self.api.wait()

    def stop_all(self):
        for process in [self.api, *self.silos.values()]:
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [self.api, *self.silos.values()]:
            if process:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


# ---- HTTP -------------------------------------------------------------------------------------

def token(role, workspace=None, provider=None):
    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    now = int(time.time())
    claims = {"sub": f"faults-{role}", "role": [role], "amr": ["pwd", "mfa"], "iss": ISSUER, "aud": AUDIENCE,
              "iat": now, "nbf": now, "exp": now + 3600}
    if workspace:
        claims["workspace_id"] = workspace
    if provider:
        claims["provider_id"] = provider
    signing_input = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps(claims).encode())
    signature = hmac.new(SIGNING_KEY.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(signature)


class Client:
    """HTTP calls that retry what a careful client retries, and count every answer."""

    def __init__(self, base):
        self.base = base
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.statuses, self.connection_errors, self.max_latency = {}, 0, 0.0
        # Requests whose first try failed and that are still being retried: the clients' backlog.
        self.retrying = 0

    def _count(self, status, latency):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.max_latency = max(self.max_latency, latency)

    def once(self, method, path, bearer, body=None, key=None):
        request = urllib.request.Request(self.base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Authorization", f"Bearer {bearer}")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if key:
            request.add_header("Idempotency-Key", key)
        started = time.time()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                text = response.read().decode()
                self._count(response.status, time.time() - started)
                return response.status, (json.loads(text) if text else None), None
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            self._count(error.code, time.time() - started)
            return error.code, (json.loads(text) if text.startswith("{") else None), error.headers.get("Retry-After")
        except (urllib.error.URLError, ConnectionError, http.client.HTTPException, TimeoutError):
            with self.lock:
                self.connection_errors += 1
            return None, None, None

    def call(self, method, path, bearer, body=None, key=None, done=(200, 201), give_up_after=300):
        deadline, retried = time.time() + give_up_after, False
        try:
            while True:
                status, answer, retry_after = self.once(method, path, bearer, body, key)
                in_progress = status == 409 and key is not None and "in progress" in json.dumps(answer or {})
                if status is not None and not in_progress and status not in RETRYABLE:
                    return status, answer
                if time.time() > deadline:
                    return status, answer
                if not retried:
                    retried = True
                    with self.lock:
                        self.retrying += 1
                time.sleep(min(float(retry_after or 1), 5))
        finally:
            if retried:
                with self.lock:
                    self.retrying -= 1


# ---- The world the load runs in ---------------------------------------------------------------

class World:
    LEVELS = [("Exclusive", 1, 1, 300), ("Shared", 2, 2, 200), ("Budget", 3, 3, 100)]

    def __init__(self, client):
        self.client = client
        status, answer = client.call("POST", "/api/v1/platform/workspaces", token("platform_admin"), {"name": "faults"})
        assert status == 201, (status, answer)
        self.workspace = answer["workspace_id"]
        self.admin = token("admin", self.workspace)
        self.providers = []

    def niche(self, name):
        """A niche with three levels and nine well-funded buyers of its own, three per level, so
        its least-recently-served order depends on nothing outside the scenario."""
        self.providers = []
        for p in range(9):
            status, answer = self.client.call("POST", "/api/v1/admin/providers", self.admin, {"name": f"{name} buyer {p}", "email": f"{name}-{p}@faults.example.com"})
            assert status == 201, (status, answer)
            provider = answer["provider_id"]
            status, answer = self.client.call("POST", f"/api/v1/admin/providers/{provider}/deposits", self.admin,
                                              {"amount_cents": 100_000_000}, key=f"seed-{provider}")
            assert status == 201, (status, answer)
            self.providers.append(provider)
        levels = [{"name": n, "order_position": o, "max_recipients": m, "price_cents": c} for n, o, m, c in self.LEVELS]
        status, answer = self.client.call("POST", "/api/v1/admin/niches", self.admin, {"name": name, "levels": levels})
        assert status == 201, (status, answer)
        level_ids = [level["level_id"] for level in sorted(answer["levels"], key=lambda l: l["order_position"])]
        for p, provider in enumerate(self.providers):
            status, answer2 = self.client.call("POST", f"/api/v1/admin/providers/{provider}/subscriptions", self.admin,
                                               {"level_id": level_ids[p % 3]})
            assert status == 201, (status, answer2)
        return answer["niche_id"]


class Load:
    """Open loop: lead i starts at t0 + i/rate however the earlier ones fare; a deposit every 2 s;
    every second a buyer returns one of its leads of the scenario and two admins approve the
    return at once (one refund, whatever the fault does to the answers)."""

    def __init__(self, world, niche, rate, scenario):
        self.world, self.niche, self.rate, self.scenario = world, niche, rate, scenario
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.offered = self.accepted = self.approved = self.gave_up = 0
        self.lead_ids = set()
        self.deposits = []
        self.returns, self.approved_returns, self.picked = set(), set(), set()
        self.pool = ThreadPoolExecutor(max_workers=64)
        self.threads = [threading.Thread(target=self._leads), threading.Thread(target=self._deposits), threading.Thread(target=self._returns)]

    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join()
        self.pool.shutdown(wait=True)
        self.ended_at = time.time()

    def _leads(self):
        started, i = time.time(), 0
        while not self.stopping.is_set():
            due = started + i / self.rate
            if time.time() < due:
                time.sleep(min(due - time.time(), 0.05))
                continue
            self.offered += 1
            self.pool.submit(self._lead, i)
            i += 1

    def _lead(self, i):
        client, admin = self.world.client, self.world.admin
        body = {"niche_id": self.niche,
                "contact": {"first_name": "Fault", "last_name": f"Lead{i}", "email": f"{self.scenario}-{i}@faults.example.com",
                            "phone": f"+1214{200 + i // 10000:03d}{i % 10000:04d}"},
                "attributes": {"state": "TX", "zip": "75201", "amount_cents": 100_000}}
        status, answer = client.call("POST", "/api/v1/leads", admin, body, key=f"{self.scenario}-lead-{i}")
        if status != 201:
            with self.lock:
                self.gave_up += 1
            return
        lead = answer["lead_id"]
        with self.lock:
            self.accepted += 1
            self.lead_ids.add(lead)
        # 409: an earlier try approved it and its answer was lost (the lead is no longer pending).
        status, _ = client.call("POST", f"/api/v1/admin/leads/{lead}/approve", admin, done=(200, 409))
        with self.lock:
            if status in (200, 409):
                self.approved += 1
            else:
                self.gave_up += 1

    def _deposits(self):
        while not self.stopping.wait(2):
            provider = random.choice(self.world.providers)
            key = f"{self.scenario}-deposit-{uuid.uuid4()}"
            status, answer = self.world.client.call("POST", f"/api/v1/admin/providers/{provider}/deposits", self.world.admin,
                                                    {"amount_cents": 1000}, key=key)
            if status == 201:
                self.deposits.append(answer["entry_id"])

    def _returns(self):
        while not self.stopping.wait(1):
            # Straight from the database: while PostgreSQL is down there is nothing to pick, and this second is skipped.
            picked = sql(f"""SELECT a.id || ' ' || a.provider_id FROM lead_assignments a
                              WHERE a.niche_id = '{self.niche}' AND NOT EXISTS (SELECT 1 FROM lead_returns r WHERE r.assignment_id = a.id)
                              ORDER BY a.assigned_at DESC LIMIT 1""", check=False)
            if not picked:
                continue
            assignment, provider = picked.split()
            # Still being returned (its request retried while the API or the database is away): not twice.
            if assignment in self.picked:
                continue
            self.picked.add(assignment)
            self.pool.submit(self._return, assignment, provider)

    def _return(self, assignment, provider):
        client = self.world.client
        status, answer = client.call("POST", "/api/v1/provider/returns", token("provider", self.world.workspace, provider),
                                     {"assignment_id": assignment, "reason": "wrong_contact", "note": "fault campaign"},
                                     key=f"{self.scenario}-return-{assignment}")
        if status != 201:
            return
        returned = answer["return_id"]
        with self.lock:
            self.returns.add(returned)
        with ThreadPoolExecutor(max_workers=2) as admins:
            approvals = [admins.submit(client.call, "POST", f"/api/v1/admin/returns/{returned}/approve", self.world.admin, {"note": "approved twice at once"})
                         for _ in range(2)]
        if any(approval.result()[0] == 200 for approval in approvals):
            with self.lock:
                self.approved_returns.add(returned)


# ---- Checks -----------------------------------------------------------------------------------

def unfinished(niche):
    return int(sql(f"SELECT count(*) FROM leads WHERE niche_id = '{niche}' AND status NOT IN {TERMINAL}"))


def rotation_breaks(niche):
    """I6: successive recorded distributions of the niche start at successive active levels."""
    active = [int(x) for x in sql(f"SELECT order_position FROM competition_levels WHERE niche_id = '{niche}' AND is_active ORDER BY 1").split()]
    starts = [int(x) for x in (sql(f"SELECT start_level_order_position FROM distribution_runs WHERE niche_id = '{niche}' AND status <> 'failed' ORDER BY seq") or "").split()]
    return sum(1 for a, b in zip(starts, starts[1:]) if active[(active.index(a) + 1) % len(active)] != b)


def lru_breaks(niche):
    """I7 replayed: with ample balances and no filters, each level's chosen providers are the least
    recently served of its subscribers not already given the lead, in the order the niche recorded."""
    levels = {}
    for row in sql(f"SELECT id, order_position, max_recipients FROM competition_levels WHERE niche_id = '{niche}' AND is_active ORDER BY order_position").splitlines():
        level, position, most = row.split("|")
        levels[int(position)] = (level, int(most))
    subscribers = {}
    for row in sql(f"SELECT level_id, provider_id FROM subscriptions WHERE niche_id = '{niche}'").splitlines():
        level, provider = row.split("|")
        subscribers.setdefault(level, []).append(provider)
    chosen = {}
    for row in (sql(f"SELECT a.lead_id, a.level_id, a.provider_id FROM lead_assignments a JOIN leads l ON l.id = a.lead_id WHERE l.niche_id = '{niche}'") or "").splitlines():
        lead, level, provider = row.split("|")
        chosen.setdefault((lead, level), set()).add(provider)
    # A lead's assignments share one moment, so the providers it reached tie and fall back to provider id.
    last_served, breaks, turn = {}, 0, 0
    runs = sql(f"SELECT lead_id, start_level_order_position FROM distribution_runs WHERE niche_id = '{niche}' AND status <> 'failed' ORDER BY seq") or ""
    positions = sorted(levels)
    for row in runs.splitlines():
        lead, start = row.split("|")
        order = positions[positions.index(int(start)):] + positions[:positions.index(int(start))]
        given = set()
        for position in order:
            level, most = levels[position]
            candidates = sorted((p for p in subscribers.get(level, []) if p not in given),
                                key=lambda p: (p in last_served, last_served.get(p, 0), p))
            expected = set(candidates[:most])
            actual = chosen.get((lead, level), set())
            if expected != actual:
                breaks += 1
            for provider in actual:
                last_served[provider] = turn + 1
            given |= actual
        turn += 1
    return breaks


def drained_after(healed_at, niche, client, drain_timeout):
    """Seconds from the heal to the first moment nothing is behind: no client still retrying a
    request, and every stored lead of the scenario terminal (the load goes on meanwhile)."""
    while time.time() < healed_at + drain_timeout:
        if client.retrying == 0 and unfinished(niche) == 0:
            return time.time() - healed_at
        time.sleep(0.2)
    return None


def judge(name, niche, load, drain_seconds, client, drain_timeout):
    deadline = time.time() + drain_timeout
    while unfinished(niche) > 0 and time.time() < deadline:
        time.sleep(1)
    drained = unfinished(niche) == 0 and drain_seconds is not None
    leads_in_db = int(sql(f"SELECT count(*) FROM leads WHERE niche_id = '{niche}'"))
    terminal = int(sql(f"SELECT count(*) FROM leads WHERE niche_id = '{niche}' AND status IN {TERMINAL}"))
    dead = int(sql(f"SELECT count(*) FROM dead_letters d JOIN leads l ON l.id = d.lead_id WHERE l.niche_id = '{niche}'"))
    failed_attempts = int(sql(f"SELECT count(*) FROM distribution_runs WHERE niche_id = '{niche}' AND status = 'failed'"))
    money = sql("SELECT invariant || ' ' || detail FROM check_invariants()") or ""
    refunds = sql("SELECT invariant || ' ' || detail FROM check_refund_invariants()") or ""
    # An assignment is its charge; the only ledger entry naming an assignment is its refund.
    double_charges = int(sql(f"SELECT count(*) FROM (SELECT lead_id, provider_id FROM lead_assignments GROUP BY 1, 2 HAVING count(*) > 1) d")) \
        + int(sql("SELECT count(*) FROM ledger_entries WHERE assignment_id IS NOT NULL AND kind <> 'refund'"))
    returned = ",".join(f"'{r}'" for r in load.approved_returns) or "NULL"
    refunded = int(sql(f"SELECT count(*) FROM lead_returns r JOIN ledger_entries e ON e.id = r.refund_entry_id WHERE r.id IN ({returned})")) \
        if load.approved_returns else 0
    ids = ",".join(f"'{d}'" for d in load.deposits) or "NULL"
    deposits_present = int(sql(f"SELECT count(*) FROM ledger_entries WHERE kind = 'deposit' AND id IN ({ids})")) if load.deposits else 0
    problems = []
    if money:
        problems.append(f"I1-I4: {len(money.splitlines())} ({money.splitlines()[0]})")
    if refunds:
        problems.append(f"R1-R4: {len(refunds.splitlines())} ({refunds.splitlines()[0]})")
    if refunded != len(load.approved_returns):
        problems.append(f"{len(load.approved_returns) - refunded} approved return(s) without their refund")
    if not drained:
        problems.append(f"I5: {unfinished(niche)} lead(s) not terminal")
    if (breaks := rotation_breaks(niche)) > 0:
        problems.append(f"I6: {breaks} rotation step(s) out of order")
    if (breaks := lru_breaks(niche)) > 0:
        problems.append(f"I7: {breaks} level choice(s) not least recently served")
    if leads_in_db != len(load.lead_ids):
        problems.append(f"{leads_in_db} leads stored for {len(load.lead_ids)} accepted")
    if double_charges:
        problems.append(f"{double_charges} double charge(s)")
    if deposits_present != len(load.deposits):
        problems.append(f"{len(load.deposits) - deposits_present} accepted deposit(s) missing")
    if dead:
        problems.append(f"{dead} dead letter(s)")
    other_5xx = sum(count for status, count in client.statuses.items() if status >= 500 and status not in (503, 504))
    if other_5xx:
        problems.append(f"{other_5xx} HTTP 5xx other than 503/504")
    return {
        "scenario": name, "offered": load.offered, "accepted": load.accepted, "terminal": terminal,
        "drain": f"{drain_seconds:.1f} s" if drained else f">{drain_timeout} s",
        "dead": dead, "failed_attempts": failed_attempts,
        "deposits": f"{deposits_present}/{len(load.deposits)}",
        "returns": f"{refunded}/{len(load.approved_returns)}/{len(load.returns)}",
        "answers": " ".join(f"{s}×{c}" for s, c in sorted(client.statuses.items())) + (f" conn×{client.connection_errors}" if client.connection_errors else ""),
        "max_latency": f"{client.max_latency:.1f} s",
        "result": "hold" if not problems else "; ".join(problems),
    }


# ---- Scenarios --------------------------------------------------------------------------------

def kills(cluster, args):
    for k in range(args.kills):
        time.sleep(random.uniform(1, 5))
        victim = random.choice(sorted(cluster.silos))
        log(f"kill -9 silo {victim} ({k + 1}/{args.kills}), then restart it")
        cluster.kill_silo(victim)
        cluster.start_silo(victim)
        cluster.wait_silo_active(victim)


def rolling_restart(cluster, args):
    for i in sorted(cluster.silos):
        time.sleep(3)
        log(f"graceful restart of silo {i}")
        cluster.stop_silo(i)
        cluster.start_silo(i)
        cluster.wait_silo_active(i)


def postgres_immediate_restart(cluster, args):
    time.sleep(10)
    log("pg_ctl restart -m immediate")
    pg_ctl("-w", "-t", "60", "-l", f"{PG_DATA}/server.log", "restart", "-m", "immediate")
    wait_for_postgres()
    time.sleep(10)


def postgres_down(cluster, args):
    time.sleep(10)
    log(f"PostgreSQL stopped for {args.pg_down_seconds} s")
    pg_ctl("-w", "-t", "60", "stop", "-m", "fast")
    time.sleep(args.pg_down_seconds)
    pg_ctl("-w", "-t", "60", "-l", f"{PG_DATA}/server.log", "start")
    wait_for_postgres()
    log("PostgreSQL is back; no LeadGrains process was restarted")
    time.sleep(10)


def api_kill(cluster, args):
    time.sleep(10)
    log("kill -9 of the API, then restart it (clients retry with their Idempotency-Keys)")
    cluster.kill_api()
    time.sleep(2)
    cluster.start_api()
    time.sleep(10)


SCENARIOS = {
    "silo-kills": ("{kills} × kill -9 of a random silo, restarted", kills),
    "rolling-restart": ("rolling graceful restart of every silo", rolling_restart),
    "pg-immediate": ("pg_ctl restart -m immediate", postgres_immediate_restart),
    "pg-down": ("PostgreSQL stopped {pg_down_seconds} s", postgres_down),
    "api-kill": ("kill -9 of the API, restarted", api_kill),
}


def negative_control():
    """A double charge, and a second refund, planted past the database's guards must be reported by the checkers."""
    refused = sql("""INSERT INTO ledger_entries (id, provider_id, kind, amount_cents, lead_id, assignment_id, idempotency_key, balance_after_cents, created_at)
                     SELECT gen_random_uuid(), a.provider_id, 'charge', -a.price_cents, a.lead_id, a.id, 'planted-double-charge', 0, now()
                       FROM lead_assignments a LIMIT 1""", check=False) is None
    reported = sql("""BEGIN;
        ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_no_charges;
        WITH a AS (SELECT * FROM lead_assignments LIMIT 1),
             debit AS (UPDATE providers p SET balance_cents = p.balance_cents - a.price_cents FROM a WHERE p.id = a.provider_id RETURNING p.balance_cents)
        INSERT INTO ledger_entries (id, provider_id, kind, amount_cents, lead_id, assignment_id, idempotency_key, balance_after_cents, created_at)
        SELECT gen_random_uuid(), a.provider_id, 'charge', -a.price_cents, a.lead_id, a.id, 'planted-double-charge', (SELECT balance_cents FROM debit), now() FROM a;
        SELECT string_agg(DISTINCT invariant, ',') FROM check_invariants();
        ROLLBACK;""")
    # A second refund of a refunded assignment: refused by the ledger's unique keys; planted past
    # them (in a transaction that is rolled back), R2 and R4 report it.
    second_refund = """INSERT INTO ledger_entries (id, provider_id, kind, amount_cents, lead_id, assignment_id, idempotency_key, reference, balance_after_cents, created_at)
        SELECT gen_random_uuid(), e.provider_id, 'refund', e.amount_cents, e.lead_id, e.assignment_id, 'planted-second-refund', 'planted', e.balance_after_cents, now()
          FROM ledger_entries e WHERE e.kind = 'refund' LIMIT 1"""
    refused_refund = sql(second_refund, check=False) is None
    reported_refund = sql(f"""BEGIN;
        ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_assignment_id_key;
        {second_refund};
        SELECT coalesce(string_agg(DISTINCT invariant, ','), '') FROM check_refund_invariants();
        ROLLBACK;""")
    after = sql("SELECT (SELECT count(*) FROM check_invariants()) + (SELECT count(*) FROM check_refund_invariants())")
    return refused, reported, refused_refund, reported_refund, after


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=5, help="leads started per second (open loop)")
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--pg-down-seconds", type=int, default=60)
    parser.add_argument("--drain-timeout", type=int, default=600)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated, from: " + ", ".join(SCENARIOS))
    parser.add_argument("--silo-port", type=int, default=11200, help="silo i listens on this + i")
    parser.add_argument("--gateway-port", type=int, default=31200, help="silo i's gateway is this + i")
    parser.add_argument("--http-port", type=int, default=5200, help="the API's port; silo i's /health and /metrics on this + i")
    args = parser.parse_args()
    os.makedirs(LOG_DIR, exist_ok=True)

    sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)", database="postgres")
    sql(f"CREATE DATABASE {DATABASE}", database="postgres")
    cluster = Cluster(args)
    subprocess.run(["dotnet", f"{SILO_DIR}/LeadGrains.Silo.dll", "--contentRoot", SILO_DIR, "migrate"], env=cluster.env, check=True, stdout=subprocess.DEVNULL)
    rows = []
    try:
        for i in (1, 2, 3):
            cluster.start_silo(i)
        for i in (1, 2, 3):
            cluster.wait_silo_active(i)
        cluster.start_api()
        client = Client(f"http://127.0.0.1:{args.http_port}")
        world = World(client)
        log(f"3 silos and the API are up; {args.rate:g} leads/s per scenario")
        for name in args.scenarios.split(","):
            title, fault = SCENARIOS[name]
            title = title.format(kills=args.kills, pg_down_seconds=args.pg_down_seconds)
            niche = world.niche(f"faults-{name}")
            client.reset()
            load = Load(world, niche, args.rate, name).start()
            time.sleep(5)
            fault(cluster, args)
            healed_at = time.time()
            log(f"{title}: healed; waiting for the backlog to drain under the load")
            drain_seconds = drained_after(healed_at, niche, client, args.drain_timeout)
            time.sleep(max(0.0, healed_at + 5 - time.time()))
            load.stop()
            log(f"{title}: load stopped after {load.offered} leads")
            row = judge(title, niche, load, drain_seconds, client, args.drain_timeout)
            log(f"{title}: {row}")
            rows.append(row)
        refused, reported, refused_refund, reported_refund, after = negative_control()
    finally:
        cluster.stop_all()

    print()
    print("| Scenario | Leads offered | Accepted | Terminal | Drain after heal | Dead letters | Failed attempts | Deposits present | Returns refunded/approved/requested | HTTP answers | Slowest answer | Invariants I1–I7, R1–R4, double charges, deposits, refunds |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |")
    for r in rows:
        print(f"| {r['scenario']} | {r['offered']} | {r['accepted']} | {r['terminal']} | {r['drain']} | {r['dead']} | {r['failed_attempts']} | "
              f"{r['deposits']} | {r['returns']} | {r['answers']} | {r['max_latency']} | {r['result']} |")
    print()
    print(f"Negative control: a direct double charge is {'refused by the database' if refused else 'NOT refused by the database'}; "
          f"planted past that guard (in a rolled-back transaction), the checker reports {reported or 'NOTHING'}; "
          f"a second refund of an assignment is {'refused by the database' if refused_refund else 'NOT refused by the database'}; "
          f"planted past that guard, the checker reports {reported_refund or 'NOTHING'}; "
          f"after the rollbacks it reports {after} violation(s).")
    ok = all(r["result"] == "hold" for r in rows) and refused and reported and refused_refund and reported_refund and after == "0"
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
