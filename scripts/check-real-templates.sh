#!/usr/bin/env bash
# Checks `./align chat-template` against golden chat-template files of real tokenizers, which stay out of the
# repository (large, under their own licences).
#
#   scripts/check-real-templates.sh [MODEL_DIR [CASES.json]]...
#
# MODEL_DIR is a Hugging Face tokenizer folder; CASES.json (default MODEL_DIR/chat_templates.json) has the format of
# ../shared/models/real-qwen3-tokenizer/chat_templates.json: conversations[] with template_variables and the expected
# `rendered` and, where known, `input_ids`, or an expected `error` message. Without arguments it checks
# ../shared/models/real-qwen3-tokenizer. Prints one line per conversation, then "chat-templates: N passed, M failed";
# exits 0 only when all passed. Needs python3 (for JSON only); builds align on first use.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
args=("$@")
if [[ ${#args[@]} -eq 0 ]]; then
  args=("$root/../shared/models/real-qwen3-tokenizer")
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
i=0
while [[ $i -lt ${#args[@]} ]]; do
  dir="${args[$i]}"
  cases="$dir/chat_templates.json"
  if [[ $((i + 1)) -lt ${#args[@]} && "${args[$((i + 1))]}" == *.json ]]; then
    cases="${args[$((i + 1))]}"
    i=$((i + 1))
  fi
  i=$((i + 1))
  label="$(basename "$cases" .json)"
  [[ "$label" == chat_templates ]] && label="$(basename "$dir")"
  if [[ ! -f "$cases" ]]; then
    echo "check-real-templates: no $cases (see ../shared/models/README.md or scripts/make-template-cases.py)" >&2
    exit 2
  fi
  n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["conversations"]))' "$cases")
  for ((k = 0; k < n; k++)); do
    python3 - "$cases" "$k" "$tmp/vars.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))["conversations"][int(sys.argv[2])]
json.dump(c["template_variables"], open(sys.argv[3], "w", encoding="utf-8"), ensure_ascii=False)
PY
    status=0
    "$root/align" chat-template --model "$dir" --vars "$tmp/vars.json" >"$tmp/out.json" 2>"$tmp/err.txt" || status=$?
    verdict=$(python3 - "$cases" "$k" "$tmp/out.json" "$tmp/err.txt" "$status" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))["conversations"][int(sys.argv[2])]
status = int(sys.argv[5])
err = open(sys.argv[4], encoding="utf-8").read()
name = c["name"]
if "error" in c:
    ok = status == 2 and c["error"] in err
    print(("PASS " if ok else "FAIL ") + name + " (raises: " + c["error"] + ")" + ("" if ok else " got status %d: %s" % (status, err.strip()[-300:])))
    sys.exit(0)
if status != 0:
    print("FAIL %s exit %d: %s" % (name, status, err.strip()[-300:]))
    sys.exit(0)
out = json.load(open(sys.argv[3], encoding="utf-8"))
problems = []
if out["rendered"] != c["rendered"]:
    a, b = out["rendered"], c["rendered"]
    at = next((j for j in range(min(len(a), len(b))) if a[j] != b[j]), min(len(a), len(b)))
    problems.append("rendered differs at char %d: got %r expected %r" % (at, a[at:at + 40], b[at:at + 40]))
if "input_ids" in c and out["input_ids"] != c["input_ids"]:
    problems.append("input_ids differ")
checked = "rendered" + (" and input_ids" if "input_ids" in c else "")
print(("PASS %s (%s identical)" % (name, checked)) if not problems else ("FAIL %s: %s" % (name, "; ".join(problems))))
PY
)
    echo "$label $verdict"
    if [[ "$verdict" == PASS* ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  done
done
echo "chat-templates: $passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
