#!/usr/bin/env python3
"""Checks agent.py without improve: a stub OpenAI-compatible gateway on 127.0.0.1 answers
its model calls, and the agent is driven over JSON lines (exec) and over HTTP (--http).

    python3 Profiles/support-agent/selftest.py     prints one line per check; exit 1 on failure

The stub answers with the first FAQ line of the system prompt it receives, so a reply shows
what retrieval put in the prompt; a question containing "tool" gets a faq_search call back
first, to exercise the tool loop. Standard library only.
"""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = "gateway-token-for-the-test"
SEEN = []


class Gateway(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        SEEN.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if self.headers.get("Authorization") != "Bearer " + TOKEN or self.path != "/v1/chat/completions":
            return self.reply(401, {"error": {"message": "bad token or path"}})
        system = body["messages"][0]["content"]
        facts = [line[2:] for line in system.splitlines() if line.startswith("- ")]
        last = body["messages"][-1]
        if body.get("tools") and "tool" in last.get("content", ""):
            message = {"role": "assistant", "content": "", "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "faq_search", "arguments": json.dumps({"query": "export notes"})}}]}
            finish = "tool_calls"
        elif last["role"] == "tool":
            message = {"role": "assistant", "content": "From the tool: " + json.loads(last["content"])[0]["answer"]}
            finish = "stop"
        else:
            message = {"role": "assistant", "content": facts[0] if facts else "I do not know."}
            finish = "stop"
        self.reply(200, {"choices": [{"index": 0, "message": message, "finish_reason": finish}],
                         "usage": {"prompt_tokens": 100, "completion_tokens": 10}})

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def request(unit, question, base, config=None, messages=None):
    return {
        "protocol": 1,
        "unit": {"id": unit, "trial": 0, "turn": 0, "seed": 1},
        "profile": {
            "name": "support-agent", "systemPrompt": "You are the support agent.", "userTemplate": "{{input}}",
            "skills": [{"name": "tone", "description": "How to sound", "body": "Be kind."}], "strategy": None,
            "tools": [{"name": "faq_search", "description": "Search the FAQ.", "parameters": {"type": "object", "properties": {"query": {"type": "string"}}}}],
            "config": config or {"top_k": 2, "min_score": 0.15}, "model": "local/smollm2-135m-instruct",
        },
        "input": {"text": question, "fields": {}, "messages": messages or [
            {"role": "system", "content": "improve's rendering, replaced by the agent's"}, {"role": "user", "content": question}]},
        "models": {"baseURL": base, "apiKey": TOKEN, "model": "local/smollm2-135m-instruct"},
    }


FAILURES = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f": {detail}"))
    if not condition:
        FAILURES.append(name)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/v1"

    # Exec: JSON lines, the gateway from the request; then one from the environment only.
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OPENAI_BASE_URL": base, "OPENAI_API_KEY": TOKEN}
    agent = subprocess.Popen([sys.executable, "agent.py"], cwd=HERE, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=environment)
    price = request("faq-price", "How much does Plus cost?", base)
    no_models = request("faq-export", "Can I export my notes?", base)
    del no_models["models"]
    dialogue = request("cancel-plan#0", None, base, messages=[
        {"role": "user", "content": "How do I cancel my Plus plan?"},
        {"role": "assistant", "content": "Cancel Plus in Settings > Billing > Cancel plan."},
        {"role": "user", "content": "And are my notes kept after that?"}])
    tools = request("faq-tools", "Use the tool: how do I get my notes out?", base, config={"use_tools": True})
    replies = []
    for unit in (price, no_models, dialogue, tools):
        agent.stdin.write(json.dumps(unit) + "\n")
        agent.stdin.flush()
        replies.append(json.loads(agent.stdout.readline()))
    agent.stdin.close()
    status = agent.wait(timeout=10)
    stderr = agent.stderr.read()

    check("exec: price question answered from the retrieved entry", "$4" in replies[0]["reply"], replies[0])
    check("exec: trace lists the retrieved entries with scores", replies[0]["trace"]["retrieved"][0]["id"] in ("price", "plans"), replies[0]["trace"])
    check("exec: usage summed from the gateway's answers", replies[0]["usage"] == {"inputTokens": 100, "outputTokens": 10}, replies[0]["usage"])
    check("exec: OPENAI_BASE_URL/OPENAI_API_KEY used when the request has no models", "Export" in replies[1]["reply"], replies[1])
    check("exec: a dialogue turn retrieves for the last question", "kept" in replies[2]["reply"], replies[2])
    check("exec: a tool call is run and its result given back",
          replies[3]["trace"]["toolCalls"] and replies[3]["trace"]["toolCalls"][0]["arguments"] == {"query": "export notes"}
          and replies[3]["reply"].startswith("From the tool: Export"), replies[3])
    check("exec: stdout carried replies only, logs went to stderr, clean exit", status == 0 and "ready" in stderr, stderr)
    first = SEEN[0]
    check("gateway: every call carried the gateway's token at /v1/chat/completions", all(s["auth"] == "Bearer " + TOKEN and s["path"] == "/v1/chat/completions" for s in SEEN))
    check("gateway: the agent asked for the profile's model", first["body"]["model"] == "local/smollm2-135m-instruct", first["body"])
    check("prompt: system prompt, skill and retrieved FAQ, not improve's rendering",
          first["body"]["messages"][0]["content"].startswith("You are the support agent.") and "## Skill: tone" in first["body"]["messages"][0]["content"]
          and all("improve's rendering" not in m["content"] for m in first["body"]["messages"]), first["body"]["messages"])
    check("prompt: tools are offered only when config says use_tools", "tools" not in first["body"] and "tools" in SEEN[-2]["body"])

    # A gateway refusal: exit 1 with the reason on stderr (an agent failure for improve).
    refused = request("faq-price", "How much does Plus cost?", base)
    refused["models"]["apiKey"] = "wrong"
    failed = subprocess.run([sys.executable, "agent.py"], cwd=HERE, input=json.dumps(refused) + "\n", capture_output=True, text=True, timeout=10)
    check("exec: a refused model call exits 1, stdout empty, reason on stderr",
          failed.returncode == 1 and failed.stdout == "" and "HTTP 401" in failed.stderr, (failed.returncode, failed.stdout, failed.stderr[-300:]))

    # HTTP: the same protocol as POST bodies.
    served = subprocess.Popen([sys.executable, "agent.py", "--http", "0"], cwd=HERE, stderr=subprocess.PIPE, text=True)
    try:
        line = served.stderr.readline()
        port = int(line.rsplit(":", 1)[1].split("/")[0])
        post = urllib.request.Request(f"http://127.0.0.1:{port}/", data=json.dumps(price).encode(), method="POST",
                                      headers={"Content-Type": "application/json"})
        started = time.monotonic()
        with urllib.request.urlopen(post, timeout=10) as response:
            reply = json.loads(response.read())
        check("http: POST answers the same unit the same way", reply["reply"] == replies[0]["reply"], reply)
        check("http: a unit answered in under a second at a local stub", time.monotonic() - started < 1.0)
    finally:
        served.terminate()
        served.wait(timeout=10)
    server.shutdown()
    print("all checks passed" if not FAILURES else f"{len(FAILURES)} check(s) failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
