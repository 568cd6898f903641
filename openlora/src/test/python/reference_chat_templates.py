"""Expected chat-template renders, produced by transformers' apply_chat_template.

For every template of chat_template_corpus.py and several conversations (system prompt,
multi-turn, tools and tool calls, unicode and whitespace, no generation prompt), renders the
prompt with transformers' own tokenizer.apply_chat_template (Python's jinja2 in transformers'
ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks, raise_exception, strftime_now and
its tojson), and also a list of short snippets that pin down Jinja's semantics. ChatTemplatesTest
renders the same with OpenLoRA and requires the same bytes, or the same refusal.

Run once when a case is added (CI needs only the committed output):
    /tmp/ref/bin/python openlora/src/test/python/reference_chat_templates.py
"""

import datetime as real_datetime
import json
import os
import sys

import jinja2
import transformers
import transformers.utils.chat_template_utils as ctu
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast

sys.path.insert(0, os.path.dirname(__file__))
from chat_template_corpus import REFUSED, TEMPLATES  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "reference", "chat_templates.json")
NOW = real_datetime.datetime(2024, 7, 26, 10, 30, 0)


class FrozenDatetime(real_datetime.datetime):
    """strftime_now reads datetime.now(): one fixed instant, so the fixture is stable."""

    @classmethod
    def now(cls, tz=None):
        return NOW


ctu.datetime = FrozenDatetime

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "The city, e.g. Paris"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "Unit"},
                "days": {"type": "integer", "description": "Days of forecast"},
                "detail": {"type": ["string", "integer"], "description": "Detail level"},
            },
            "required": ["city"],
        },
        "return": {"type": "number", "description": "The temperature"},
    },
}

CONVERSATIONS = [
    ("single-user", [{"role": "user", "content": "Hello!"}], None, True),
    (
        "system-multi-turn",
        [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "What is 2+2?"},
            {"role": "assistant", "content": "2+2 is 4."},
            {"role": "user", "content": "And 3+3? Say it  twice.  "},
        ],
        None,
        True,
    ),
    (
        "multi-turn-no-generation-prompt",
        [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello! How can I help?"},
            {"role": "user", "content": "Tell me a joke."},
        ],
        None,
        False,
    ),
    (
        "assistant-last",
        [
            {"role": "user", "content": "Write a haiku."},
            {"role": "assistant", "content": "Leaves fall\non the pond"},
        ],
        None,
        False,
    ),
    (
        "unicode-and-whitespace",
        [
            {"role": "system", "content": " \tTabs,\n newlines and  spaces \n"},
            {"role": "user", "content": "  Ünïcödé 😀 \"quotes\" and 'apostrophes' <b>&</b>\n"},
        ],
        None,
        True,
    ),
    (
        "tools",
        [
            {"role": "system", "content": "You can call tools."},
            {"role": "user", "content": "What's the weather in Paris?"},
        ],
        [WEATHER_TOOL],
        True,
    ),
    (
        "tool-call-round-trip",
        [
            {"role": "user", "content": "What's the weather in Paris?"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "call12345",
                        "type": "function",
                        "function": {
                            "name": "get_weather",
                            "arguments": {"city": "Paris", "unit": "celsius", "days": 1},
                        },
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call12345", "name": "get_weather", "content": "22.5"},
        ],
        [WEATHER_TOOL],
        True,
    ),
    (
        "content-parts",
        [
            {"role": "user", "content": [{"type": "text", "text": "Describe this."}, {"type": "image"}]},
        ],
        None,
        True,
    ),
    (
        "thinking",
        [
            {"role": "user", "content": "Is 7 prime?"},
            {"role": "assistant", "content": "<think>\nIt has no divisors but 1 and 7.\n</think>\n\nYes."},
            {"role": "user", "content": "And 9?"},
        ],
        None,
        True,
    ),
]

# Short templates that pin down the semantics the corpus relies on, each rendered once with
# the "system-multi-turn" conversation and the variables given.
SNIPPETS = [
    ("{{ messages[0].role }}|{{ messages[-1]['content'] }}|{{ messages | length }}", {}),
    ("{{ messages[1:] | map(attribute='role') | join(',') }}|{{ messages[:2] | length }}|{{ messages[::-1][0].role }}", {}),
    ("{{ 'abcdef'[1:4] }}{{ 'abcdef'[::2] }}{{ 'abcdef'[-2:] }}{{ 'abc'[5:] }}{{ [1,2,3][-1] }}", {}),
    ("{{ 'hello world'.title() }}|{{ 'hello-world foo(bar)'|title }}|{{ \"they're bill's\".title() }}|{{ 'ÉCOLE über'.title() }}", {}),
    ("{{ 'x'|capitalize }}{{ 'hELLO'|capitalize }}|{{ 'aBc'.upper() }}{{ 'AbC'.lower() }}|{{ 'ß'.upper() }}", {}),
    ("{{ {'b': 1, 'a': [1, 2.5, none, true, 'é']} | tojson }}", {}),
    ("{{ {'b': 1, 'a': {'c': []}} | tojson(indent=4) }}|{{ [1, [2, {}]] | tojson(indent=2) }}", {}),
    ("{{ {'b': 1, 'a': 2} | tojson(sort_keys=true) }}|{{ [1, 2] | tojson(separators=(',', ':')) }}|{{ 'é\"\\n' | tojson(ensure_ascii=true) }}", {}),
    ("{{ data | tojson }}|{{ data }}", {"data": [{"a": 1.0, "b": 1e-07, "c": 12345678901234567890.0, "d": -0.0, "e": 2**53 + 1}]}),
    ("{{ 1/2 }} {{ 7//2 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 2**10 }} {{ 1e-5 }} {{ 1e16 }} {{ 0.1+0.2 }} {{ 10/2 }} {{ 3 * 'ab' }} {{ -3 // 2 }}", {}),
    ("{{ 123456789.0 }} {{ 1.5e300 }} {{ 0.0001 }} {{ 0.00001234 }} {{ 100.0 }} {{ 1e22 }} {{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 7|float }} {{ '3.9'|int }} {{ '12'|int + 1 }}", {}),
    ("{{ none }}|{{ undefined_thing }}|{{ true }}|{{ [none, true, 'a', 1.0] }}|{{ ('a',) }}|{{ (1, 'b') }}|{{ {'k': \"it's\"} }}", {}),
    ("{{ 'a\\tb\\n' }}|{{ ['a\\tb\\n', \"q'\", 'q\"', \"both'\\\"\"] }}|{{ '\\x41\\u00e9\\101' }}", {}),
    ("{% set x = 5 %}{% for i in [1,2] %}{{ x }}{% set x = i %}{% endfor %}|{{ x }}", {}),
    ("{% set ns = namespace(n=0, items=[]) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}{% set ns.items = ns.items + [m.role] %}{% endfor %}{{ ns.n }} {{ ns.items }}", {}),
    ("{% if true %}{% set y = 3 %}{% endif %}{{ y }}|{% for i in range(3) %}{% if i == 1 %}{% continue %}{% endif %}{% if i == 2 %}{% break %}{% endif %}{{ i }}{% endfor %}", {}),
    ("{% for m in messages if m.role != 'system' %}{{ loop.index }}/{{ loop.length }}:{{ loop.first }}{{ loop.last }}{{ loop.revindex0 }}{{ loop.cycle('a', 'b') }}{% if loop.previtem is defined %}<{{ loop.previtem.role }}{% endif %} {% else %}none{% endfor %}", {}),
    ("{% for k, v in {'x': 1, 'y': [2]}.items() %}{{ k }}={{ v }};{% endfor %}{% for k in {'a': 1, 'b': 2} %}{{ k }}{% endfor %}{% for k, v in {'z': 0} | items %}{{ k ~ v }}{% endfor %}", {}),
    ("{% macro m(a, b=2, c='x') %}{{ a }}-{{ b }}-{{ c }}-{{ z }}{% endmacro %}{% set z = 9 %}{{ m(1) }}|{{ m(1, c='y') }}|{{ m(b=3, a=0) }}", {}),
    ("  {% if true %}\n  x\n  {% endif %}\n  {{ 'y' }}\n{# comment #}\n  {#- trimmed -#}  z\n{%+ if true %}p{% endif %}\n{%- if true -%}\n q \n{%- endif %}\n", {}),
    ("a\n    {%- for i in [1, 2] %}\n    {{ i }}\n    {%- endfor %}\nb {{- ' c ' -}} d\n{% raw %}{{ not rendered }}{% endraw %}\n", {}),
    ("{{ '  a b  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ ' a '.lstrip() }}|{{ ' a '.rstrip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a-b-c'.split('-', 1) }}|{{ 'a-b-c'.rsplit('-', 1) }}", {}),
    ("{{ 'abc'.startswith('a') }}{{ 'abc'.endswith(('x', 'c')) }}{{ 'abc'.replace('b', 'B') }}{{ 'abcabc'.find('c') }}{{ 'abcabc'.count('bc') }}{{ '-'.join(['a', 'b']) }}{{ 'a1'.isalnum() }}{{ '12'.isdigit() }}{{ 'x\\ny\\r\\nz'.splitlines() }}", {}),
    ("{{ messages | selectattr('role', 'equalto', 'user') | list | length }}|{{ messages | rejectattr('role', 'eq', 'user') | map(attribute='role') | list }}|{{ [1, 0, 2] | select | list }}|{{ [3, 1, 2] | sort | list }}|{{ ['b', 'A', 'a'] | sort }}|{{ [1, 2, 2, 1] | unique | list }}", {}),
    ("{{ [1, 2, 3] | first }}{{ [1, 2, 3] | last }}{{ [] | first is defined }}|{{ [4, 9, 1] | max }}{{ [4, 9, 1] | min }}{{ [1, 2] | sum }}|{{ 'abc' | reverse }}{{ [1, 2] | reverse | list }}|{{ 'a b  c' | wordcount }}|{{ 'x' | center(5) }}|", {}),
    ("{{ undefined_thing | default('d') }}|{{ '' | default('e', true) }}|{{ none | default('f') }}|{{ undefined_thing is defined }}|{{ none is none }}|{{ 'x' is string }}|{{ 1 is number }}|{{ {} is mapping }}|{{ [] is iterable }}|{{ 4 is even }}|{{ 3 is odd }}|{{ 9 is divisibleby 3 }}|{{ 1 is sameas true }}", {}),
    ("{{ 'a' in 'abc' }}{{ 'd' not in ['a'] }}{{ 'role' in messages[0] }}{{ 1 < 2 < 3 }}{{ 1 == 1.0 }}{{ true == 1 }}{{ 'a' < 'b' }}{{ [1, 2] == [1, 2] }}{{ (1, 2) == [1, 2] }}", {}),
    ("{{ 'x' if false }}|{{ 'y' if false else 'z' }}|{{ 1 if none else 2 if true else 3 }}|{{ not 0 }}|{{ [] or 'empty' }}|{{ 'a' and 'b' }}|{{ 0 and 1 }}", {}),
    ("{{ 'line1\\nline2\\n\\nline3' | indent }}|{{ 'l1\\nl2' | indent(2, true) }}|{{ 'l1\\n\\nl2' | indent(width='> ', blank=true) }}", {}),
    ("{{ '%s is %d years' % ('Ann', 30) }}|{{ '%s' | format('x') }}|{{ 'ab' ~ 1 ~ none ~ undefined_thing }}|{{ [1] + [2] }}|{{ 'a' + 'b' }}", {}),
    ("{{ x.y }}", {}),
    ("{{ messages[0].content.z.w }}", {}),
    ("{{ 1 + 'a' }}", {}),
    ("{{ raise_exception('custom refusal: ' ~ messages | length) }}", {}),
    ("{{ messages.append(1) }}", {}),
    ("{{ [1, 2, 3][10] }}|{{ {'a': 1}['b'] }}|{{ {'a': 1}.b }}|{{ none.x }}|{{ 'abc'[10] }}", {}),
    ("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S %A %B %j %p %I %y %-d %e') }}", {}),
    ("{{ bos_token }}{{ eos_token }}{{ unk_token is defined }}{{ add_generation_prompt }}{{ tools }}{{ documents }}", {}),
    ("{% set a, b = [1, 2] %}{{ a + b }}|{% with c = 3 %}{{ c }}{% endwith %}{{ c is defined }}|{% set t %}block {{ 1 }}{% endset %}{{ t }}|{% filter upper %}up{% endfilter %}", {}),
    ("{{ dict(a=1, b=2) }}|{{ range(1, 7, 2) | list }}|{{ messages[0] | items | list | length }}|{{ messages[0].keys() | list }}|{{ messages[0].get('nope', 'dflt') }}|{{ {'a': 1} | dictsort }}", {}),
    ("{{ enable_thinking }}|{% if enable_thinking is false %}off{% endif %}|{{ extra.k }}|{{ custom_list | join(', ') }}", {"enable_thinking": False, "extra": {"k": [1, "2"]}, "custom_list": [1, 2.5, "x"]}),
    ("{% for c in 'hé😀' %}[{{ c }}]{% endfor %}{{ 'hé😀' | length }}{{ 'hé😀'[2] }}{{ 'hé😀'[::-1] }}", {}),
    ("{{ messages[0]['content'] | trim | upper | replace('HELPFUL', 'kind') | lower | title }}", {}),
    ("{% generation %}{{ 'gen' }}{% endgeneration %}|{%- generation -%} x {%- endgeneration -%}|", {}),
    ("{% for a in [1, 2] %}{% for b in 'xy' %}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{{ loop.index }};{% endfor %}", {}),
    ("{% for x in [1, 1, 2, 1] %}{% if loop.changed(x) %}{{ x }}{% endif %}{% endfor %}|{% for x in 'ab' %}{{ loop.depth }}{{ loop.nextitem is defined }}{% endfor %}", {}),
    ("\t{% if true %}\n\tA\n\t  {% endif %}\n  B {% if true %}\n  C\n{% endif %}", {}),
    ("a\r\n{% if true %}\r\nb\r\n{% endif %}\r\nc\r\n", {}),
    ("x\n\n", {}),
    ("a  \n  {{- 'b' -}}  \n  c\n  {# note #}\nd {#- tight -#} e", {}),
    ("{% set x = [1, 2] %}{{ x | join('-') }}|{{ [] | join }}|{{ 7 / 7 }}|{{ 'abc' | list }}|{{ {'a': 1} | list }}|{{ 'a' * 0 }}|{{ (messages | last).role }}", {}),
    ("{{ messages | map(attribute='content') | map('length') | list }}|{{ messages[0].nope is defined }}|{{ true + 1 }}|{{ 1.0 == 1 }}|{{ '%d' % 3.7 }}|{{ 10 // 3.0 }}", {}),
    ("{{ -0.5 | round }}|{{ 0.5 | round }}|{{ 1.5 | round }}|{{ -1.25 | round(1) }}|{{ 2.5 | round(0, 'floor') }}|{{ 2.1 | round(0, 'ceil') }}|{{ 'a' ~ 1.0 }}|{{ none | string }}|{{ undefined_x | string }}|", {}),
    ("{{ [1, 'a'] | sort }}", {}),
    ("{{ {'a': none} | tojson }}|{{ '\u2028\u00e9\x7f\x01' | tojson }}|{{ '\u00a0x\u00a0' | trim }}|{{ '\u200bx'.strip() | length }}|{{ 'system' is in ['system'] }}|{{ 'it\\'s' }}|{{ (1, 2) | list }}", {}),
    ("{{ 'a' if true | upper }}|{{ -2 ** 2 }}|{{ 2 ** 3 ** 2 }}|{{ 'a' 'b' }}|{{ 0x1F }} {{ 1_000 }} {{ 1.5e3 }}|{{ messages|length > 2 and 'long' or 'short' }}", {}),
    ("{%- for m in messages -%}\n  {%- if loop.first -%}\n    [{{ m.role }}]\n  {%- endif -%}\n{%- endfor -%}\n{{- '\\n' -}}\nend", {}),
    ("{{ messages[0].content[0] }}{{ messages[0]['content'][-1] }}{{ messages[0].content | length }}", {}),
    ("{{ ('a', 'b') | join }}{{ {'a': 1, 'b': 2} | length }}{{ [[1, 2], [3]] | map('length') | list }}{{ ['a', 'B'] | map('upper') | join }}{{ [1, 2] | batch(1) | list }}", {}),
]


def tokenizer(special_tokens, template):
    vocab = {"<unk>": 0}
    for t in special_tokens.values():
        vocab.setdefault(t, len(vocab))
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=backend, chat_template=template, **special_tokens)


def render(tok, messages, tools, add_generation_prompt, extra):
    try:
        text = tok.apply_chat_template(
            messages,
            tools=tools,
            add_generation_prompt=add_generation_prompt,
            tokenize=False,
            **extra,
        )
        return {"expected": text}
    except jinja2.exceptions.TemplateError as e:
        # raise_exception raises TemplateError itself; jinja2's own errors are subclasses
        raised = type(e) is jinja2.exceptions.TemplateError
        return {"error": str(e), "raised": raised}
    except Exception as e:  # TypeError, ValueError, ...: the render fails in Python too
        return {"error": f"{type(e).__name__}: {e}", "raised": False}


def main():
    out = {
        "generator": "openlora/src/test/python/reference_chat_templates.py",
        "versions": {"transformers": transformers.__version__, "jinja2": jinja2.__version__},
        "now": NOW.isoformat(),
        "templates": [],
        "refused": [],
        "snippets": [],
    }
    for name, (tokens, template) in TEMPLATES.items():
        tok = tokenizer(tokens, template)
        cases = []
        for case, messages, tools, agp in CONVERSATIONS:
            r = render(tok, messages, tools, agp, {})
            cases.append(
                {
                    "name": case,
                    "messages": messages,
                    "tools": tools,
                    "add_generation_prompt": agp,
                    **r,
                }
            )
        ok = sum(1 for c in cases if "expected" in c)
        print(f"{name}: {ok}/{len(cases)} rendered", file=sys.stderr)
        out["templates"].append(
            {"name": name, "special_tokens": tokens, "template": template, "cases": cases}
        )
    for name, (tokens, template) in REFUSED.items():
        tok = tokenizer(tokens, template)
        r = render(tok, CONVERSATIONS[1][1], None, True, {})
        out["refused"].append({"name": name, "special_tokens": tokens, "template": template, **r})
    base = CONVERSATIONS[1][1]
    snippet_tokens = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}
    for template, extra in SNIPPETS:
        r = render(tokenizer(snippet_tokens, template), base, None, True, extra)
        out["snippets"].append(
            {"template": template, "special_tokens": snippet_tokens, "variables": extra, **r}
        )
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
