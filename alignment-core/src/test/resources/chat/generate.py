#!/usr/bin/env python3
"""Writes golden.json: what Python's jinja2, set up exactly as transformers sets it up, renders for the templates in
templates/ and for the snippets below. align4j's JinjaGoldenTest checks its interpreter against this file.

Reference: jinja2 3.1.6 (pip), with the environment copied from transformers' _compile_jinja_template
(src/transformers/utils/chat_template_utils.py): ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
extensions=[AssistantTracker, jinja2.ext.loopcontrols]), tojson = json.dumps(ensure_ascii=False, ...), globals
raise_exception and strftime_now. Generation spans are collected as transformers does (render through generate() and
record len(''.join(blocks)) when a {% generation %} block closes); offsets are Python str indices (code points).

Run: python3 generate.py   (needs only jinja2 >= 3.1; no network)
"""
import json
import os
from contextlib import contextmanager
from datetime import datetime

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))


def compile_like_transformers(source):
    class AssistantTracker(Extension):
        tags = {"generation"}

        def __init__(self, environment):
            super().__init__(environment)
            environment.extend(activate_tracker=self.activate_tracker)
            self._rendered_blocks = None
            self._generation_indices = None

        def parse(self, parser):
            lineno = next(parser.stream).lineno
            body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
            return nodes.CallBlock(self.call_method("_generation_support"), [], [], body).set_lineno(lineno)

        @jinja2.pass_eval_context
        def _generation_support(self, context, caller):
            rv = caller()
            if self.is_active():
                start_index = len("".join(self._rendered_blocks))
                end_index = start_index + len(rv)
                self._generation_indices.append((start_index, end_index))
            return rv

        def is_active(self):
            return self._rendered_blocks or self._generation_indices

        @contextmanager
        def activate_tracker(self, rendered_blocks, generation_indices):
            try:
                if self.is_active():
                    raise ValueError("AssistantTracker should not be reused before closed")
                self._rendered_blocks = rendered_blocks
                self._generation_indices = generation_indices
                yield
            finally:
                self._rendered_blocks = None
                self._generation_indices = None

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return datetime.now().strftime(format)

    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[AssistantTracker, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env.from_string(source)


def render(source, variables):
    try:
        template = compile_like_transformers(source)
        blocks, spans = [], []
        with template.environment.activate_tracker(blocks, spans):
            for block in template.generate(**variables):
                blocks.append(block)
        return {"rendered": "".join(blocks), "generation_spans": [list(s) for s in spans]}
    except jinja2.TemplateSyntaxError as e:
        return {"error": "TemplateSyntaxError", "message": e.message, "line": e.lineno}
    except jinja2.exceptions.SecurityError as e:
        return {"error": "SecurityError", "message": str(e)}
    except jinja2.UndefinedError as e:
        return {"error": "UndefinedError", "message": str(e)}
    except jinja2.TemplateError as e:
        return {"error": "TemplateError", "message": str(e)}
    except (TypeError, ValueError, ZeroDivisionError) as e:
        return {"error": type(e).__name__, "message": str(e)}


SPECIAL = {"bos_token": "<s>", "eos_token": "</s>"}
TOOL = {"type": "function", "function": {"name": "convert_units", "description": "Convert units (mètres, 公里) \"quoted\"",
        "parameters": {"type": "object", "properties": {"value": {"type": "number"},
                       "unit": {"type": "string", "enum": ["km", "mi"]}}, "required": ["value", "unit"]}}}
MULTI_TURN = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Is 91 prime?"},
    {"role": "assistant", "content": "<think>\n91 = 7 * 13\n</think>\n\nNo, 91 = 7 × 13."},
    {"role": "user", "content": "And 97?"},
    {"role": "assistant", "content": "Yes, 97 is prime."},
]
TOOL_CYCLE = [
    {"role": "user", "content": "Convert 10 mi to km."},
    {"role": "assistant", "content": "", "tool_calls": [
        {"type": "function", "function": {"name": "convert_units", "arguments": {"value": 10, "unit": "mi", "x": 1.5e-7}}}]},
    {"role": "tool", "content": "{\"value\": 16.093}"},
    {"role": "tool", "content": "{\"note\": \"second\"}"},
    {"role": "assistant", "content": "About 16.1 km.", "reasoning_content": "\nThe tool said 16.093.\n"},
]


def conv(messages, add_generation_prompt=False, **extra):
    v = {"messages": messages, "tools": extra.pop("tools", None), "documents": None,
         "add_generation_prompt": add_generation_prompt}
    v.update(SPECIAL)
    v.update(extra)
    return v


TEMPLATE_CASES = [
    ("chatml.jinja", "two_turns_generation_prompt", conv(MULTI_TURN[:4], True)),
    ("chatml.jinja", "full_multi_turn", conv(MULTI_TURN)),
    ("qwen3-like.jinja", "multi_turn_history_thinking_dropped", conv(MULTI_TURN)),
    ("qwen3-like.jinja", "generation_prompt_thinking_off", conv(MULTI_TURN[:4], True, enable_thinking=False)),
    ("qwen3-like.jinja", "tools_and_tool_cycle", conv(TOOL_CYCLE, tools=[TOOL])),
    ("qwen3-like.jinja", "tools_with_system", conv(MULTI_TURN[:2], True, tools=[TOOL])),
    ("qwen3-like-generation.jinja", "multi_turn_spans", conv(MULTI_TURN)),
    ("qwen3-like-generation.jinja", "tool_cycle_spans", conv(TOOL_CYCLE, tools=[TOOL])),
    ("llama3-like.jinja", "system_and_turns", conv([
        {"role": "system", "content": "  You answer in French.  "},
        {"role": "user", "content": "\n Hello there \t"},
        {"role": "assistant", "content": " Bonjour ! "}], bos_token="<|begin_of_text|>")),
    ("llama3-like.jinja", "date_given_no_system", conv([{"role": "user", "content": "Hi"}], True,
                                                       date_string="01 Jan 2025", bos_token="<|begin_of_text|>")),
    ("alternating.jinja", "alternating_ok", conv([{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}])),
    ("alternating.jinja", "not_alternating_raises", conv([{"role": "user", "content": "a"}, {"role": "user", "content": "b"}])),
    ("alternating.jinja", "system_role_raises", conv([{"role": "system", "content": "a"}])),
    ("whitespace.jinja", "trim_and_lstrip_blocks", {"items": [1, 2, 3]}),
]

D = {"a": {"b": 1, "items": [1, 2]}, "c": [1, "é", None, True, 2.5], "s": " Hello, World \n", "n": 7, "f": 42.195,
     "empty": [], "none": None, "t": "<think>\nx\n</think>\n\ny", "emoji": "a😀b"}

SNIPPETS = [
    # output of values: Python str()/repr()
    "{{ none }}|{{ true }}|{{ false }}|{{ c }}|{{ a }}|{{ (1, 2) }}|{{ (1,) }}|{{ 1e20 }}|{{ 0.1 + 0.2 }}|{{ f }}",
    "{{ 7 / 2 }}|{{ 4 / 2 }}|{{ 7 // 2 }}|{{ -7 // 2 }}|{{ 7 % 3 }}|{{ -7 % 3 }}|{{ 2 ** 10 }}|{{ 2 ** -1 }}|{{ 7.5 // 2 }}",
    "{{ 1.0 }}|{{ 1e16 }}|{{ 1e15 }}|{{ 1e-5 }}|{{ 0.0001 }}|{{ -0.0 }}|{{ 10 / 3 }}|{{ 123456789.123456789 }}|{{ 5e-324 }}",
    "{{ 'ab' * 2 }}|{{ [1] * 3 }}|{{ 'a' ~ 1 ~ none ~ true }}|{{ -n }}|{{ +n }}|{{ n - 10 }}|{{ 3 * 1.5 }}",
    "{{ \"it's\" }}|{{ ['it\\'s', \"q\\\"\", 'tab\\t', 'nl\\n', 'é'] }}|{{ '\\u00e9\\x41\\N{BULLET}' }}",
    # comparisons and membership
    "{{ '1' == 1 }}|{{ 1 == 1.0 }}|{{ 1 == true }}|{{ [1, 2] == [1, 2] }}|{{ (1, 2) == [1, 2] }}|{{ 1 < 2 < 3 }}|{{ 3 > 2 > 2 }}",
    "{{ 'b' in 'abc' }}|{{ 2 in c }}|{{ 'a' in a }}|{{ 'z' not in a }}|{{ 1 in [1.0] }}|{{ 'x' in undefined_var }}",
    "{{ 'abc' < 'abd' }}|{{ [1, 2] < [1, 3] }}|{{ none == none }}|{{ undefined_var == none }}|{{ undefined_var is none }}",
    # boolean operators return operands
    "{{ 0 or 'x' }}|{{ 'a' and 'b' }}|{{ '' and 'b' }}|{{ none or [] or 0 }}|{{ not none }}|{{ not(1 == 1) }}",
    # conditional expressions
    "{{ 'y' if n > 5 else 'n' }}|{{ 'y' if n > 50 }}|{{ 'a' if false else 'b' if true else 'c' }}",
    # subscripts and slices
    "{{ c[0] }}|{{ c[-1] }}|{{ c[10] }}|{{ c[1:3] }}|{{ c[::-1] }}|{{ c[::2] }}|{{ c[-2:] }}|{{ 'hello'[1:-1] }}|{{ 'hello'[::-2] }}",
    "{{ a.b }}|{{ a['b'] }}|{{ a.items is callable }}|{{ a['items'] }}|{{ a.missing }}|{{ a['missing'] }}|{{ c.0 }}|{{ emoji[1] }}|{{ emoji|length }}",
    # string methods
    "{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ 'xxhixx'.strip('x') }}|{{ t.split('</think>') }}|{{ t.split('</think>')[-1].lstrip('\\n') }}",
    "{{ 'a,b,,c,'.split(',') }}|{{ ' a  b \\n c '.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'a b c'.rsplit(' ', 1) }}|{{ 'x'.split('x') }}",
    "{{ 'abc'.startswith('a') }}|{{ 'abc'.startswith(('x', 'ab')) }}|{{ 'abc'.endswith('bc') }}|{{ 'Hello World'.upper() }}|{{ 'Hello'.lower() }}",
    "{{ 'hello wORLD'.title() }}|{{ 'hello wORLD'.capitalize() }}|{{ 'a-b'.replace('-', '+') }}|{{ ', '.join(['x', 'y']) }}|{{ 'abcabc'.find('c') }}|{{ 'abcabc'.count('b') }}",
    "{{ '{} and {}'.format(1, 'two') }}|{{ '{0}{name}'.format('x', name='y') }}|{{ '%s is %d' % ('n', 7) }}|{{ '%05.2f' % 3.14159 }}|{{ 'a\\nb\\r\\nc'.splitlines() }}",
    "{{ '12'.isdigit() }}|{{ 'ab'.isalpha() }}|{{ '  '.isspace() }}|{{ 'ab'.islower() }}|{{ 'AB'.isupper() }}|{{ 'x'.zfill(3) }}|{{ 'ab'.center(6, '*') }}",
    # dict methods
    "{% for k, v in a.items() %}{{ k }}={{ v }};{% endfor %}|{{ a.keys() | list }}|{{ a.get('b') }}|{{ a.get('zz', 'dflt') }}|{{ a.get('zz') }}",
    # loops
    "{% for x in c %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}",
    "{% for x in 'abc' %}{{ loop.previtem }}{{ x }}{{ loop.nextitem }}|{% endfor %}",
    "{% for x in empty %}x{% else %}empty{% endfor %}|{% for x in [1, 2, 3, 4] if x is even %}{{ x }}{% endfor %}",
    "{% for x in [1, 2, 3, 4, 5] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}",
    "{% for x in [1, 2] %}{% for y in 'ab' %}{{ loop.index }}{{ y }}{% endfor %}{{ loop.index }}{% endfor %}",
    "{% for a, b in [(1, 2), (3, 4)] %}{{ a + b }}{% endfor %}|{% for x in [1, 2] %}{{ loop.cycle('odd', 'even') }}{% endfor %}",
    # scoping
    "{% for i in [1, 2] %}[{{ x }}]{% set x = i %}{% endfor %}|{{ x }}",
    "{% set x = 5 %}{% for i in [1, 2] %}[{{ x }}]{% set x = i %}{% endfor %}|{{ x }}",
    "{% for i in [1, 2] %}{% if i == 1 %}{% set y = 'a' %}{% endif %}[{{ y }}]{% endfor %}",
    "{% if true %}{% set z = 3 %}{% endif %}{{ z }}|{% set p, q = 1, 2 %}{{ p }}{{ q }}",
    "{% set ns = namespace(total=0, seen=[]) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}",
    "{% set ns = namespace(idx=c|length - 1) %}{{ ns.idx }}|{% set buf %}captured {{ n }}{% endset %}{{ buf }}|{% set up | upper %}shout{% endset %}{{ up }}",
    # macros, call, filter blocks
    "{% macro m(a, b=2) %}[{{ a }}{{ b }}{{ varargs }}{{ kwargs }}]{% endmacro %}{{ m(1) }}{{ m(1, b=3) }}{{ m(1, 2, 3, k=4) }}",
    "{% macro w() %}<{{ caller() }}>{% endmacro %}{% call w() %}inner{% endcall %}|{% filter upper %}up {{ n }}{% endfilter %}",
    # filters
    "{{ '  x  ' | trim }}|{{ 'xxhixx' | trim('x') }}|{{ 'a' + '  b  ' | trim + 'c' }}|{{ -3 | abs }}|{{ [3, 1, 2] | sort }}|{{ [3, 1, 2] | sort(reverse=true) }}",
    "{{ ['b', 'A', 'c'] | sort }}|{{ ['b', 'A', 'c'] | sort(case_sensitive=true) }}|{{ c | length }}|{{ c | count }}|{{ c | first }}|{{ c | last }}",
    "{{ [1, 2] | join(', ') }}|{{ [1, 2] | join }}|{{ 'ab' | list }}|{{ 'Hello World-wide' | title }}|{{ 'hELLO' | capitalize }}|{{ 'a b' | replace(' ', '_') }}",
    "{{ undefined_var | default('dd') }}|{{ none | default('dd') }}|{{ '' | default('dd', true) }}|{{ undefined_var | length }}|{{ a | items | list }}",
    "{{ [{'n': 'x', 'k': 1}, {'n': 'y', 'k': 2}] | map(attribute='n') | join(',') }}|{{ ['a', 'b'] | map('upper') | list }}|{{ [1, 0, 2] | select | list }}",
    "{{ [{'r': 'user'}, {'r': 'tool'}] | selectattr('r', 'equalto', 'tool') | list }}|{{ [1, 2, 3] | reject('odd') | list }}|{{ [1, 2, 3] | sum }}",
    "{{ '3' | int + 1 }}|{{ 'x' | int }}|{{ '2.5' | float }}|{{ 2.675 | round(2) }}|{{ 2.5 | round }}|{{ [1, 1, 2] | unique | list }}|{{ [1, 5, 3] | max }}|{{ [1, 5, 3] | min }}",
    "{{ 'a\\nb\\n\\nc' | indent(2) }}|{{ 'a\\nb' | indent(2, true) }}|{{ 'one two  three' | wordcount }}|{{ 'x' | center(5) }}|{{ 42 | string }}|{{ [1, 2] | reverse | list }}|{{ 'ab' | reverse }}",
    "{{ {'b': 1, 'a': 2} | dictsort }}|{{ '%s-%s' | format('a', 'b') }}|{{ '<a & b>' | e }}|{{ 'x' | safe }}",
    # tojson (transformers' json.dumps)
    "{{ a | tojson }}|{{ c | tojson }}|{{ {'k': 'é\"\\n', 'z': 1.0, 'y': -0.5, 'big': 12345678901234567890} | tojson }}",
    "{{ a | tojson(indent=2) }}|{{ c | tojson(separators=(',', ':')) }}|{{ {'b': 1, 'a': 2} | tojson(sort_keys=true) }}|{{ 'é' | tojson(ensure_ascii=true) }}",
    # tests
    "{{ undefined_var is defined }}|{{ n is defined }}|{{ none is none }}|{{ n is number }}|{{ true is number }}|{{ 'a' is string }}|{{ a is mapping }}|{{ c is sequence }}",
    "{{ false is false }}|{{ 0 is false }}|{{ true is true }}|{{ n is odd }}|{{ n is even }}|{{ 9 is divisibleby 3 }}|{{ n is integer }}|{{ f is float }}|{{ 'ab' is lower }}",
    "{{ n is eq 7 }}|{{ n is ne 7 }}|{{ n is gt 3 }}|{{ 'b' is in 'abc' }}|{{ n is sameas 7 }}|{{ none is sameas none }}|{{ raise_exception is callable }}|{{ a is iterable }}",
    "{{ not n is defined }}|{{ n is not none }}|{{ (n is defined) and (n is not none) }}|{{ n + 1 is number }}",
    # globals
    "{{ range(3) | list }}|{{ range(1, 7, 2) | list }}|{{ dict(a=1, b=2) }}|{{ namespace(a=1).a }}",
    # strings and whitespace control in one line
    "  {%- if true -%}  x  {%- endif -%}  |{{- ' y ' -}}  |  {{ 'z' }}",
    "a\n  {% if true %}\n  b\n  {% endif %}\nc\n{# comment #}\nd {{ 'e' }}\n",
    "{% if true %}\r\nwindows\r\n{% endif %}\r\n",
    # errors
    "{{ undefined_var.attr }}",
    "{{ a.missing.deeper }}",
    "{{ 'a' + 1 }}",
    "{{ 1 / 0 }}",
    "{{ c.append(3) }}",
    "{{ raise_exception('Custom message: ' ~ n) }}",
    "{% set x = 1 %}{% set x.y = 2 %}",
    "{% for x in n %}{% endfor %}",
    "line one\n{% if true %}\n{{ 1 +* 2 }}\n{% endif %}",
    "{% if true %}unclosed",
    "{{ n | nosuchfilter }}",
]


def main():
    out = {"reference": "Python jinja2 " + jinja2.__version__ + " in transformers' chat-template environment; see generate.py",
           "templates": [], "snippets": []}
    for file, name, variables in TEMPLATE_CASES:
        with open(os.path.join(HERE, "templates", file), encoding="utf-8") as f:
            source = f.read()
        out["templates"].append({"template": file, "name": name, "variables": variables, **render(source, variables)})
    for i, source in enumerate(SNIPPETS):
        out["snippets"].append({"id": i, "template": source, "variables": D, **render(source, dict(D))})
    with open(os.path.join(HERE, "golden.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
