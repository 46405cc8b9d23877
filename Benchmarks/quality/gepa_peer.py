#!/usr/bin/env python3
"""GEPA peer for the quality benchmark: runs the official `gepa` package (installed from PyPI
into its own venv by Benchmarks/quality/run, never vendored) on one improve profile.

Same data (the profile's own suite file), same search/holdout split (improve's hash rule),
same seed prompt, same model (the local OpenAI-compatible server at IMPROVE_BASE_URL, called
through litellm as openai/<model id>), same metric-call budget, and the same scoring rule as
improve's `label` scorer (first label named wins; naming two labels fails). GEPA optimises the
system prompt with its DefaultAdapter (user message = the raw input, as the seed template
"{{input}}" does). Prints one JSON object on stdout.
"""
import argparse
import contextlib
import hashlib
import importlib.metadata
import json
import os
import re
import sys
import time
from pathlib import Path


def scalar(text, key):
    match = re.search(rf"^\s*{re.escape(key)}:\s*(.+?)\s*$", text, re.M)
    if not match:
        return None
    value = match.group(1).split(" #")[0].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value


def load(profile_dir):
    profile = (profile_dir / "profile.yaml").read_text()
    suite = (profile_dir / "suite.yaml").read_text()
    labels = [l.strip() for l in re.search(r"labels:\s*\[(.*?)\]", suite).group(1).split(",")]
    data_file = re.search(r"-\s*file:\s*(\S+)", suite).group(1)
    items = [json.loads(line) for line in (profile_dir / data_file).read_text().splitlines() if line.strip()]
    split_block = suite[suite.index("split:"):]
    seed, version, fraction = scalar(split_block, "seed"), scalar(split_block, "version"), scalar(split_block, "holdoutFraction")

    def is_holdout(item_id):
        digest = hashlib.sha256(f"v{version}:{seed}:{item_id}".encode()).hexdigest()
        return int(digest[:16], 16) / 2**64 < float(fraction)

    return {
        "system": scalar(profile, "systemPrompt"),
        "template": scalar(profile, "userTemplate"),
        "model": scalar(profile, "id"),
        "max_tokens": int(scalar(profile, "maxTokens") or 64),
        "temperature": float(scalar(profile, "temperature") or 0),
        "labels": labels,
        "minibatch": int(scalar((profile_dir / "policy.yaml").read_text(), "minibatchSize") or 4),
        "search": [i for i in items if not is_holdout(i["id"])],
        "holdout": [i for i in items if is_holdout(i["id"])],
    }


def normalise(text):
    # As improve's TextNormal: every non-alphanumeric character is a space.
    return " " + " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split()) + " "


def label_score(labels, expected, output):
    words = normalise(output)
    found = sorted((words.index(normalise(l)), l) for l in labels if normalise(l) in words)
    if not found:
        return 0.0, f"Expected the label \"{expected}\" but the output named none of the labels ({', '.join(labels)})."
    first = found[0][1]
    if normalise(first) != normalise(expected):
        return 0.0, f"Expected \"{expected}\" but the output said \"{first}\"."
    if len(found) > 1:
        return 0.0, f"The output named \"{expected}\" but also other labels; name exactly one label."
    return 1.0, f"Correct: \"{expected}\"."


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("profile")
    parser.add_argument("--budget", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    base_url = os.environ["IMPROVE_BASE_URL"]
    spec = load(Path(args.profile))
    if spec["template"] != "{{input}}":
        sys.exit("gepa_peer: GEPA's DefaultAdapter sends the raw input; the seed userTemplate must be \"{{input}}\"")

    # The price table ships with litellm; do not let it fetch one over the network.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import gepa
    import litellm
    from gepa.adapters.default_adapter.default_adapter import DefaultAdapter, EvaluationResult

    tokens = {"task": 0, "reflection": 0}
    calls = {"task": 0}

    def complete(messages, role, max_tokens, temperature):
        response = litellm.completion(
            model=f"openai/{spec['model']}", api_base=base_url, api_key="local", messages=list(messages),
            max_tokens=max_tokens, temperature=temperature, seed=1)
        usage = getattr(response, "usage", None)
        if usage is not None:
            tokens[role] += int(getattr(usage, "total_tokens", 0) or 0)
        return response.choices[0].message.content or ""

    def task_lm(messages):
        calls["task"] += 1
        return complete(messages, "task", spec["max_tokens"], spec["temperature"])

    def reflection_lm(prompt):
        return complete([{"role": "user", "content": prompt}], "reflection", 512, 0)

    def evaluator(data, response):
        score, feedback = label_score(spec["labels"], data["answer"], response)
        return EvaluationResult(score=score, feedback=feedback, objective_scores=None)

    def inst(item):
        return {"input": item["input"], "additional_context": {}, "answer": item["expected"]}

    # The same division improve uses by default: a seeded half of the search split for
    # validation (Pareto selection), the rest for reflection minibatches.
    import random
    search = sorted(spec["search"], key=lambda i: i["id"])
    random.Random(args.seed).shuffle(search)
    half = max(1, len(search) // 2)
    valset, trainset = [inst(i) for i in search[:half]], [inst(i) for i in search[half:]]

    adapter = DefaultAdapter(model=task_lm, evaluator=evaluator)
    started = time.monotonic()
    # GEPA logs its iterations on stdout; keep stdout for the one JSON line.
    with contextlib.redirect_stdout(sys.stderr):
        result = run_gepa(gepa, spec, trainset, valset, adapter, reflection_lm, args)
    search_seconds = time.monotonic() - started
    best = result.best_candidate["system_prompt"]
    search_calls = calls["task"]
    search_tokens = tokens["task"] + tokens["reflection"]

    def mean_on(system, items):
        scores = []
        for item in items:
            output = task_lm([{"role": "system", "content": system}, {"role": "user", "content": item["input"]}])
            scores.append(label_score(spec["labels"], item["expected"], output)[0])
        return sum(scores) / len(scores) if scores else 0.0

    baseline_holdout = mean_on(spec["system"], spec["holdout"])
    winner_holdout = baseline_holdout if best == spec["system"] else mean_on(best, spec["holdout"])
    val_scores = getattr(result, "val_aggregate_scores", None) or []
    best_index = getattr(result, "best_idx", 0)
    print(json.dumps({
        "tool": "gepa", "gepaVersion": importlib.metadata.version("gepa"),
        "seedSearchMean": val_scores[0] if val_scores else None,
        "winnerSearchMean": val_scores[best_index] if val_scores else None,
        "baselineHoldoutMean": baseline_holdout,
        "winnerHoldoutMean": winner_holdout,
        "candidates": getattr(result, "num_candidates", None),
        # Totals over search and holdout, as improve's outcome counts them; the search share apart.
        "metricCalls": calls["task"], "searchMetricCalls": search_calls,
        "gepaMetricCalls": getattr(result, "total_metric_calls", None),
        "tokens": tokens["task"] + tokens["reflection"], "searchTokens": search_tokens,
        "searchSeconds": round(search_seconds, 1), "winnerPrompt": best,
    }))


def run_gepa(gepa, spec, trainset, valset, adapter, reflection_lm, args):
    return gepa.optimize(
        seed_candidate={"system_prompt": spec["system"]}, trainset=trainset, valset=valset, adapter=adapter,
        reflection_lm=reflection_lm, max_metric_calls=args.budget, seed=args.seed, display_progress_bar=False,
        reflection_minibatch_size=spec["minibatch"])


if __name__ == "__main__":
    main()
