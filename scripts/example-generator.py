#!/usr/bin/env python3
"""Example external generator for improve (protocol: docs/external-generator.md).

Reads one JSON message per line on stdin, answers one per line on stdout. Proposes the
parent's component with one hint appended, chosen by the proposal's seed, and says it is
exhausted once every hint has been rejected. Standard library only; logs go to stderr.
"""
import json
import sys

HINTS = [
    "Answer with the label only.",
    "Think about the overall tone before answering.",
    "If unsure, pick the most likely label.",
]


def propose(message):
    component = message["component"]
    current = message["parent"]["components"].get(component, "")
    rejected = {r["text"] for r in message["rejected"] if r["component"] == component}
    options = [current.rstrip() + "\n" + hint for hint in HINTS if hint not in current]
    options = [text for text in options if text not in rejected]
    if not options:
        return {"type": "exhausted", "reason": "every hint was tried"}
    choice = options[message["seed"] % len(options)]
    labels = ", ".join(message["labels"])
    return {
        "type": "candidates",
        "candidates": [{"components": {component: choice}, "rationale": f"appended a hint (labels: {labels})"}],
    }


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            message = json.loads(line)
            reply = propose(message) if message.get("type") == "context" else {"type": "error", "message": "unknown message"}
        except Exception as error:  # answer instead of dying, so the engine sees why
            reply = {"type": "error", "message": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
