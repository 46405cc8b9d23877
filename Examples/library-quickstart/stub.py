#!/usr/bin/env python3
"""A tiny OpenAI-compatible chat-completions server for the library quickstart.

It stands in for a small model, deterministically: it names a sentiment label only when the
prompt tells it which labels exist (as small instruction models do), and picks the label by
counting words from two short lists, never by looking at the suite's answers. So the seed
prompt of Profiles/sentiment ("Classify the sentiment.") scores 0, and a prompt that names
the labels scores what the word lists can do — a change `improve()` can find and the gate
can prove.

Standard library only. Binds 127.0.0.1 on a free port and prints its base URL
(http://127.0.0.1:PORT/v1) as the first line of standard output.
"""
import http.server
import json
import re
import sys

POSITIVE = set("""
    good great best better fine fun funny enjoy enjoyable entertaining delight delightful charming
    love lovely loved beautiful beautifully brilliant wonderful excellent amazing moving touching
    warm witty clever smart fresh original rich powerful effective engaging compelling
    interesting remarkable memorable impressive perfect solid strong creative fearless
    gorgeous sweet heart hearted pleasure pleasant superb masterpiece success inventive
    intelligent thoughtful honest hilarious terrific affecting gem rare well
""".split())

NEGATIVE = set("""
    bad worse worst dull boring bored tedious stupid dumb awful terrible horrible mess messy
    poor poorly weak lame flat pointless silly fails failed failure waste wasted annoying
    ugly unfunny tired tiresome predictable bland disappointing disappointment mediocre
    pretentious forgettable shallow cheap clumsy lifeless empty
    nothing lacks lacking problem problems routine hollow sloppy confused never worthless
""".split())

LABELS = ("positive", "negative")


def classify(text):
    words = re.findall(r"[a-z]+", text.lower())
    score = sum(w in POSITIVE for w in words) - sum(w in NEGATIVE for w in words)
    return "negative" if score < 0 else "positive"


def answer(messages):
    system = " ".join(m.get("content") or "" for m in messages if m.get("role") == "system").lower()
    users = [m.get("content") or "" for m in messages if m.get("role") == "user"]
    last = users[-1] if users else ""
    # The labels are "known" when the instructions name both of them (system prompt, or a user
    # template that asks about them); the phrase classified is the last user message.
    instructions = system + " " + last.lower()
    if all(label in instructions for label in LABELS) and system:
        return classify(last)
    return "This text expresses a feeling about a movie."


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self.send_error(404, "only /v1/chat/completions is served")
            return
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        text = answer(request.get("messages") or [])
        body = json.dumps({
            "id": "chatcmpl-quickstart", "object": "chat.completion", "created": 0,
            # The requested id: improve checks that the server served the model it asked for.
            "model": request.get("model", "stub"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass  # quiet: the runner shows the quickstart's output, not one line per request


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
