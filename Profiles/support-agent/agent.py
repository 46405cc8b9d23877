#!/usr/bin/env python3
"""The Pebble Notes support agent: a small program improve evaluates and improves.

It speaks improve's agent protocol (docs/agent-protocol.md), version 1:

    python3 agent.py              one JSON request per line on stdin, one JSON reply per line
                                  on stdout (logs go to stderr: stdout carries replies only)
    python3 agent.py --http PORT  the same requests as HTTP POST bodies on 127.0.0.1:PORT
                                  (PORT 0 picks a free one; the port is logged to stderr)

For each unit it searches kb.json itself (the embedded model is too small to call tools
reliably), puts the best entries in the prompt it builds from the profile's surfaces (system
prompt, skills, strategy) and the conversation, and asks the model through improve's model
gateway: `request.models` (baseURL, apiKey, model), or OPENAI_BASE_URL / OPENAI_API_KEY for an
exec agent given none. It never holds a provider key. With `use_tools: true` in config.json it
also offers the profile's `faq_search` tool to the model and runs the calls the model makes.

Settings arrive as `request.profile.config` (config.json, read by improve):
    top_k            FAQ entries put in the prompt (default 2)
    min_score        the least retrieval score an entry needs to be put in the prompt (0..1)
    answer_style     "brief" (one or two sentences) or "detailed" (the steps)
    use_tools        offer faq_search to the model (default false)
    max_tool_rounds  model calls that may call tools before a final answer (default 2)

Standard library only.
"""

import json
import math
import os
import re
import sys
import traceback
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
PROTOCOL = 1
DEFAULTS = {"top_k": 2, "min_score": 0.15, "answer_style": "brief", "use_tools": False, "max_tool_rounds": 2}
STYLES = {
    "brief": "Answer in one or two short sentences.",
    "detailed": "Explain the steps the customer should take.",
}
STOPWORDS = set(
    "a an and are at be by can do does for from get got how i if in is it me my of on or so that the "
    "then there this to what when where which who why will with you your".split()
)


def log(message):
    print(f"support-agent: {message}", file=sys.stderr, flush=True)


# --- the knowledge base -------------------------------------------------------------------

def words(text):
    """Lower-case word stems: plural and -ing endings dropped so 'notes' finds 'note'."""
    stems = []
    for word in re.findall(r"[a-z0-9$@.]+", text.lower()):
        word = word.strip(".")
        if not word or word in STOPWORDS:
            continue
        for suffix in ("ing", "s"):
            if len(word) > 4 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        stems.append(word)
    return stems


class KnowledgeBase:
    """FAQ entries scored by the IDF-weighted share of the query's words they contain."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as file:
            self.entries = json.load(file)["entries"]
        self.terms = [set(words(e["question"] + " " + " ".join(e.get("keywords", [])))) for e in self.entries]
        count = len(self.entries)
        frequency = {}
        for terms in self.terms:
            for term in terms:
                frequency[term] = frequency.get(term, 0) + 1
        self.idf = {term: math.log(1 + count / n) for term, n in frequency.items()}

    def search(self, query, top_k, min_score=0.0):
        query_terms = set(words(query)) & set(self.idf)
        total = sum(self.idf[t] for t in query_terms)
        if total == 0:
            return []
        scored = []
        for entry, terms in zip(self.entries, self.terms):
            score = sum(self.idf[t] for t in query_terms & terms) / total
            if score >= min_score and score > 0:
                scored.append({"id": entry["id"], "score": round(score, 3), "question": entry["question"], "answer": entry["answer"]})
        scored.sort(key=lambda hit: (-hit["score"], hit["id"]))
        return scored[: max(0, int(top_k))]


KB = KnowledgeBase(os.path.join(HERE, "kb.json"))


# --- the model, through improve's gateway -------------------------------------------------

class ModelError(Exception):
    """The gateway refused or failed a call: the unit cannot be answered."""


def gateway(request):
    """Where and how to reach models: the request's `models`, else the exec environment."""
    models = request.get("models") or {}
    base = models.get("baseURL") or os.environ.get("OPENAI_BASE_URL")
    key = models.get("apiKey") or os.environ.get("OPENAI_API_KEY")
    model = models.get("model") or request.get("profile", {}).get("model")
    if not base or not key or not model:
        raise ModelError("no model gateway: the request has no models.baseURL/apiKey and OPENAI_BASE_URL/OPENAI_API_KEY are unset")
    return base.rstrip("/"), key, model


def chat(route, body, timeout):
    base, key, _ = route
    data = json.dumps(body).encode("utf-8")
    call = urllib.request.Request(
        base + "/chat/completions", data=data, method="POST",
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + key},
    )
    try:
        with urllib.request.urlopen(call, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace")[:500]
        raise ModelError(f"the gateway answered HTTP {error.code}: {detail}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ModelError(f"the gateway could not be reached: {error}") from None


# --- one unit -------------------------------------------------------------------------------

def settings(request):
    config = dict(DEFAULTS)
    given = request.get("profile", {}).get("config")
    if isinstance(given, dict):
        config.update({k: v for k, v in given.items() if k in DEFAULTS})
    return config


def system_prompt(profile, hits, config):
    """The profile's surfaces as the built-in agent lays them out, then the retrieved FAQ."""
    parts = [profile.get("systemPrompt", "").strip()]
    for skill in profile.get("skills") or []:
        parts.append(f"## Skill: {skill.get('name', '')}\n{skill.get('description', '')}\n\n{skill.get('body', '')}".strip())
    if profile.get("strategy"):
        parts.append("## Strategy\n" + profile["strategy"].strip())
    if hits:
        parts.append("FAQ entries:\n" + "\n".join(f"- {hit['answer']}" for hit in hits))
    style = STYLES.get(config.get("answer_style"))
    if style:
        parts.append(style)
    return "\n\n".join(part for part in parts if part)


def conversation(request):
    """The dialogue without improve's rendered system prompt (the agent writes its own)."""
    given = request.get("input", {})
    messages = [
        {"role": m["role"], "content": m.get("content", "")}
        for m in given.get("messages") or []
        if m.get("role") in ("user", "assistant")
    ]
    if not messages and given.get("text"):
        messages = [{"role": "user", "content": given["text"]}]
    return messages


def tool_schemas(profile):
    """The profile's faq_search tool in OpenAI's shape: its description is profile text."""
    return [
        {"type": "function", "function": {"name": t["name"], "description": t.get("description", ""), "parameters": t.get("parameters", {})}}
        for t in profile.get("tools") or []
        if t.get("name") == "faq_search"
    ]


def run_tool(call, config):
    function = call.get("function", {})
    try:
        arguments = json.loads(function.get("arguments") or "{}")
    except json.JSONDecodeError:
        arguments = {}
    if function.get("name") != "faq_search":
        result = {"error": f"unknown tool {function.get('name')!r}"}
    else:
        query = str(arguments.get("query", ""))
        result = [{"question": h["question"], "answer": h["answer"], "score": h["score"]} for h in KB.search(query, config["top_k"])]
    return arguments, result


def answer(request, timeout=170):
    """One unit: retrieve, prompt, call the model (and its tools), reply with a trace."""
    if request.get("protocol") != PROTOCOL:
        log(f"request speaks protocol {request.get('protocol')!r}; this agent speaks {PROTOCOL} (answering anyway)")
    profile = request.get("profile", {})
    config = settings(request)
    messages = conversation(request)
    query = " ".join(m["content"] for m in messages if m["role"] == "user")
    last_user = next((m["content"] for m in reversed(messages) if m["role"] == "user"), query)
    # The last question decides, earlier turns only break ties ("And are my notes kept after that?").
    hits = KB.search(last_user, config["top_k"], config["min_score"]) or KB.search(query, config["top_k"], config["min_score"])
    route = gateway(request)
    chat_messages = [{"role": "system", "content": system_prompt(profile, hits, config)}] + messages
    tools = tool_schemas(profile) if config["use_tools"] else []
    trace = {
        "retrieved": [{"id": h["id"], "score": h["score"]} for h in hits],
        "toolCalls": [],
        "modelCalls": [],
        "config": config,
    }
    usage = {"inputTokens": 0, "outputTokens": 0}
    reply = ""
    rounds = max(0, int(config["max_tool_rounds"])) if tools else 0
    for round_number in range(rounds + 1):
        body = {"model": route[2], "messages": chat_messages}
        offered = bool(tools) and round_number < rounds
        if offered:
            body["tools"] = tools
            body["tool_choice"] = "auto"
        response = chat(route, body, timeout)
        choice = (response.get("choices") or [{}])[0]
        message = choice.get("message") or {}
        spent = response.get("usage") or {}
        usage["inputTokens"] += int(spent.get("prompt_tokens", 0) or 0)
        usage["outputTokens"] += int(spent.get("completion_tokens", 0) or 0)
        calls = (message.get("tool_calls") or []) if offered else []
        trace["modelCalls"].append({
            "round": round_number, "messages": len(chat_messages), "toolsOffered": offered,
            "finishReason": choice.get("finish_reason"), "toolCalls": len(calls), "usage": spent,
        })
        if not calls:
            reply = (message.get("content") or "").strip()
            break
        chat_messages.append({"role": "assistant", "content": message.get("content") or "", "tool_calls": calls})
        for call in calls:
            arguments, result = run_tool(call, config)
            trace["toolCalls"].append({"name": call.get("function", {}).get("name"), "arguments": arguments, "result": result})
            chat_messages.append({"role": "tool", "tool_call_id": call.get("id", ""), "content": json.dumps(result)})
    return {"reply": reply, "trace": trace, "usage": usage}


# --- transports -----------------------------------------------------------------------------

def serve_lines():
    """JSON lines: a unit that cannot be answered ends the process with status 1 (its reason
    on stderr), which improve reports as an agent failure and answers by restarting the lane."""
    log(f"ready (protocol {PROTOCOL}, {len(KB.entries)} FAQ entries)")
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = answer(json.loads(line))
        except Exception as error:  # noqa: BLE001 - every failure is reported the same way
            traceback.print_exc(file=sys.stderr)
            log(f"cannot answer the unit: {error}")
            sys.exit(1)
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


class Handler(BaseHTTPRequestHandler):
    """HTTP: POST a request, get the reply; a unit that cannot be answered is a 500 with why."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        try:
            request = json.loads(self.rfile.read(length).decode("utf-8"))
            status, body = 200, answer(request)
        except Exception as error:  # noqa: BLE001
            traceback.print_exc(file=sys.stderr)
            status, body = 500, {"error": f"cannot answer the unit: {error}"}
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        data = json.dumps({"ok": True, "protocol": PROTOCOL}).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        log("http: " + format % args)


def serve_http(port):
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    log(f"listening on http://127.0.0.1:{server.server_address[1]}/ (protocol {PROTOCOL})")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv):
    if len(argv) == 3 and argv[1] == "--http":
        serve_http(int(argv[2]))
    elif len(argv) == 1:
        serve_lines()
    else:
        print("usage: agent.py [--http PORT]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
