#!/usr/bin/env python3
"""A scripted agent for the agent-protocol tests (standard library only).

    scripted_agent.py <mode>          an exec agent: one request per stdin line, one reply per stdout line
    scripted_agent.py serve <mode>    an HTTP agent on 127.0.0.1: prints its port, answers POSTs

Modes:
    echo        reply "echo:<unit id>", trace = {request, env, cwd, pid, headers}
    quick       reply "ok" (for measuring the protocol's own overhead)
    model       ask the gateway (models block) for a completion of the input's messages; reply with it
                (with $AGENT_MODEL set, ask for that model instead)
    die-once    the first unit ever (state file $AGENT_STATE) exits with status 3 before replying
    hang        at start: start a grandchild `sleep 600`, write "<pid> <grandchild pid>" to $AGENT_STATE;
                then never reply
    nonjson     print a log line on stdout instead of a reply
    noreply     reply JSON without the `reply` field
    huge        reply with more than 10 MB
    barrier     create $AGENT_STATE/<pid>, wait until $AGENT_BARRIER files exist there, reply with the count
"""
import json
import os
import subprocess
import sys
import time
import urllib.request


def answer(mode, request, headers=None):
    unit = request["unit"]["id"]
    if mode == "echo":
        return {"reply": "echo:" + unit, "extra": "ignored",
                "trace": {"request": request, "env": dict(os.environ), "cwd": os.getcwd(), "pid": os.getpid(), "headers": headers or {}}}
    if mode == "quick":
        return {"reply": "ok"}
    if mode == "model":
        models = request["models"]
        # AGENT_MODEL asks for another model than the one improve named (the guard's test).
        body = json.dumps({"model": os.environ.get("AGENT_MODEL", models["model"]), "messages": request["input"]["messages"], "stream": False}).encode()
        call = urllib.request.Request(models["baseURL"].rstrip("/") + "/chat/completions", data=body, method="POST",
                                      headers={"Content-Type": "application/json", "Authorization": "Bearer " + models["apiKey"]})
        with urllib.request.urlopen(call, timeout=30) as response:
            completion = json.load(response)
        return {"reply": completion["choices"][0]["message"]["content"], "usage": {"inputTokens": 1, "outputTokens": 1}}
    if mode == "die-once":
        state = os.environ["AGENT_STATE"]
        if not os.path.exists(state):
            open(state, "w").close()
            print("dying on purpose", file=sys.stderr, flush=True)
            sys.exit(3)
        return {"reply": "alive:" + unit}
    if mode == "hang":
        time.sleep(600)
    if mode == "nonjson":
        return "starting work on " + unit
    if mode == "noreply":
        return {"answer": "no reply field"}
    if mode == "huge":
        return {"reply": "x" * (10 * 1024 * 1024 + 10)}
    if mode == "barrier":
        folder, expected = os.environ["AGENT_STATE"], int(os.environ["AGENT_BARRIER"])
        open(os.path.join(folder, "%d-%s" % (os.getpid(), unit)), "w").close()
        deadline = time.monotonic() + 20
        while len(os.listdir(folder)) < expected and time.monotonic() < deadline:
            time.sleep(0.01)
        return {"reply": str(len(os.listdir(folder)))}
    raise SystemExit("unknown mode " + mode)


def encode(reply):
    return reply if isinstance(reply, str) else json.dumps(reply)


def prepare(mode):
    if mode == "hang":
        sleeper = subprocess.Popen(["sleep", "600"])
        with open(os.environ["AGENT_STATE"], "w") as f:
            f.write("%d %d" % (os.getpid(), sleeper.pid))


def run_exec(mode):
    prepare(mode)
    print("agent %s started" % mode, file=sys.stderr, flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        sys.stdout.write(encode(answer(mode, json.loads(line))) + "\n")
        sys.stdout.flush()


def serve(mode):
    prepare(mode)
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if request["unit"]["id"] == "fail-500":
                body, status = b'{"error": "agent broke"}', 500
            else:
                body, status = encode(answer(mode, request, dict(self.headers))).encode(), 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        run_exec(sys.argv[1])
