#!/usr/bin/env python3
"""Writes JSON edge cases for tests/cli/json_vs_jq.sh into OUTDIR/{valid,invalid,strict}/.

valid/   : both kanshiki's reader and jq must accept; canonical outputs must match.
invalid/ : both must reject.
strict/  : jq 1.6 is lenient here (e.g. leading zeros) but RFC 8259 is not: kanshiki
           must reject; jq's verdict is only reported.
Everything is generated, so no fixture blobs are committed.
"""
import json
import os
import random
import sys

out = sys.argv[1]
for d in ("valid", "invalid", "strict"):
    os.makedirs(os.path.join(out, d), exist_ok=True)


def w(kind, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    with open(os.path.join(out, kind, name + ".json"), "wb") as f:
        f.write(data)


rnd = random.Random(8259)

# ---- valid -------------------------------------------------------------------------
w("valid", "escapes", r'{"s":"a\"b\\c\/d\b\f\n\r\t e\u00e9\u4e2d\ud83d\ude00 \u0000\u001f\u007f z"}' + "\n")
w("valid", "raw_utf8", '{"ja":"日本語","emoji":"😀","mixed":"aé\u2028b","del":"\x7f"}\n')
w("valid", "invalid_utf8_bytes", b'{"a":"x\xffy","b":"\xc3","c":"\xe4\xb8\xadok","d":"\xc0\xaf"}\n')
w("valid", "numbers",
  '[0,-0,1,-1,10,123456789,9007199254740993,123456789012345678901234567890,'
  '1.5,-2.25,1e5,1E5,1e+5,1e-5,2.5E-3,0.0,-0.0,0.1,1e308,5e-324,1e-400,3.141592653589793238462643]\n')
w("valid", "int64_bounds", '[9223372036854775807,-9223372036854775808,9223372036854775808]\n')
w("valid", "literals_and_empty", '[true,false,null,[],{},[[]],[{}],{"a":{}},""]\n')
w("valid", "whitespace", ' \t\r\n{ \t"a" \r\n: \t[ 1 ,\r\n 2 ] , "b"\n:\n"c" }\r\n\r\n')
w("valid", "jsonl", "".join(json.dumps({"i": i, "s": "v%d" % i}) + "\n" for i in range(50)))
w("valid", "jsonl_crlf_no_final_newline",
  "\r\n".join(json.dumps({"i": i}) for i in range(5)))
w("valid", "concatenated", '{"a":1}{"b":2} {"c":3}\n[1][2]"s"3 4\n')
w("valid", "pretty", "\n".join(json.dumps({"i": i, "nested": {"x": [1, 2, {"y": None}]}}, indent=2)
                               for i in range(5)) + "\n")
w("valid", "top_array", json.dumps([{"i": i} for i in range(20)], indent=1) + "\n")
w("valid", "records_wrapper",
  '{"before":{"Records":[0]},"big":"' + "x" * 5000 + '","Records":[' +
  ",".join(json.dumps({"eventName": "E%d" % i, "n": i}) for i in range(30)) +
  '],"after":[1,2,3]}\n')
w("valid", "records_wrapper_pretty",
  json.dumps({"Records": [{"eventVersion": "1.08", "i": i, "userIdentity": {"type": "IAMUser"}}
                          for i in range(10)]}, indent=4) + "\n")
w("valid", "records_empty", '{"Records":[]}\n')
w("valid", "records_not_array", '{"Records":{"a":1},"x":2}\n')
w("valid", "duplicate_keys", '{"a":1,"b":2,"a":3}\n')
w("valid", "key_order", '{"b":1,"a":2,"é":3,"Z":4,"":5,"aa":6,"a\\u0000":7}\n')
w("valid", "deep_200", "[" * 200 + "1" + "]" * 200 + "\n")
w("valid", "deep_objects_100", '{"a":' * 100 + "null" + "}" * 100 + "\n")
w("valid", "long_string", json.dumps({"s": "".join(rnd.choice("ab\"\\\n\té😀") for _ in range(100000))}) + "\n")
w("valid", "bom", b"\xef\xbb\xbf" + b'{"a":1}\n')
w("valid", "scalars", '"just a string"\n')
# random documents
def rand_value(depth):
    r = rnd.random()
    if depth > 4 or r < 0.3:
        return rnd.choice([None, True, False, rnd.randint(-10**20, 10**20), rnd.random() * 10 ** rnd.randint(-30, 30),
                           "".join(chr(rnd.choice([rnd.randint(0x20, 0x7e), rnd.randint(0, 0x1f), rnd.randint(0xa0, 0xd7ff),
                                                   rnd.randint(0x10000, 0x10ffff)])) for _ in range(rnd.randint(0, 12)))])
    if r < 0.65:
        return [rand_value(depth + 1) for _ in range(rnd.randint(0, 5))]
    return {"k%d%s" % (rnd.randint(0, 30), rnd.choice(["", "é", "\t"])): rand_value(depth + 1) for _ in range(rnd.randint(0, 5))}
for n in range(20):
    docs = [rand_value(0) for _ in range(10)]
    w("valid", "random_%02d" % n, "\n".join(json.dumps(d, ensure_ascii=bool(n % 2)) for d in docs) + "\n")

# ---- invalid (both reject) ---------------------------------------------------------
bad = {
    "trailing_comma_array": "[1,2,]",
    "trailing_comma_object": '{"a":1,}',
    "missing_colon": '{"a" 1}',
    "missing_comma": '{"a":1 "b":2}',
    "unterminated_string": '{"a":"abc}\n',
    "single_quotes": "{'a':1}",
    "comment_line": '// c\n{"a":1}',
    "comment_block": '{"a":/*x*/1}',
    "control_char_in_string": '{"a":"x\ty"}',
    "newline_in_string": '{"a":"x\ny"}',
    "bad_escape": r'{"a":"\x41"}',
    "bad_unicode_escape": r'{"a":"\u12G4"}',
    "short_unicode_escape": r'{"a":"\u12"}',
    "truncated_object": '{"a":{"b":1}',
    "truncated_array": '[1,2',
    "mismatched": '{"a":[1,2}}',
    "unquoted_key": '{a:1}',
    "junk_after_value": '{"a":1} xyz',
    "jsonl_bad_middle": '{"a":1}\n{"b":\n{"c":3}\n',
    "records_bad_element": '{"Records":[{"a":1},{"b":2,,},{"c":3}]}',
    "hex_number": "[0x10]",
    "lone_minus": "[-]",
    "true_typo": "[tru]",
    "empty_key_colon": '{:1}',
    "double_colon": '{"a"::1}',
}
for k, v in bad.items():
    w("invalid", k, v)

# ---- strict: RFC 8259 rejects, jq 1.6 may accept -----------------------------------
strict = {
    "leading_zero": "[01]",
    "leading_zero_neg": "[-012]",
    "dot_no_digits": "[1.]",
    "exp_no_digits": "[1e]",
    "Infinity": '{"a":Infinity}',
    "neg_infinity": '[-Infinity]',
    "NaN": '{"a":NaN}',
    "plus_number": "[+1]",
    "dot_number": "[.5]",
}
for k, v in strict.items():
    w("strict", k, v)
