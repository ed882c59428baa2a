#!/usr/bin/env python3
"""Random small Helm charts for differential testing of runeguard's renderer against Helm.

    python3 bench/differential/gen.py OUT_DIR SEED N

Writes OUT_DIR/case-NNNN/ (one chart each) and OUT_DIR/case-NNNN.args (the `--set`
arguments, one a line). Each chart's templates are lists of *units*: a unit is one line or
one block (if/range/with/define) that does not depend on the other units, so that a failing
case can be reduced unit by unit (bench/differential/run.py). Deterministic for a SEED.
Stdlib only.

What a chart holds: values.yaml with values of every YAML type (ints, floats, large
numbers, strings that look like numbers or booleans, nulls, empty and nested collections);
`--set` arguments (types, lists, escapes, nulls deleting defaults); sometimes a subchart
with globals; files read through `.Files`; a partial of `define`s; and a template of units
that print values and expressions built from Go's template actions and the Sprig and Helm
functions, typed so that most of them render.
"""

import json
import os
import random
import sys

# ---------------------------------------------------------------- values

WORDS = ["alpha", "Beta", "gamma-ray", "delta_x", "eps ilon", "zeta.io", "ETA", "theta9", "iota/kappa",
         "x", "", "hello world", "foo-bar_baz", "CamelCaseWord", "snake_case_word", "ünïcödé", "a:b", "a#b",
         "1.2.3", "v1.20.3", "true", "no", "0x1F", "007", "12", "3.50", "1e3", "null", "~", "-", "a,b,c",
         "with \"quotes\"", "it's", "tab\there", "line1\nline2", "  padded  ", "{{ .Release.Name }}-tpl",
         "https://example.com/a/b?c=d&e=f", "2023-05-17T10:20:30Z", "*", "@at", "%d%s"]
INTS = [0, 1, -1, 2, 3, 7, 10, 42, 80, 443, 8080, 65535, 100000, 1000000, 12345678901, -273, 2147483648]
FLOATS = [0.0, 0.5, 1.0, 1.5, 2.25, -3.75, 3.14159, 1e6, 1.5e-7, 100.0, 1e21, 123456789.125, 0.1]
VER = ["1.2.3", "v1.20.3", "2.0.0-rc.1", "0.9.15", "1.28.0", "3.1.4-beta+build.7", "1.0"]


def yaml_str(s):
    return json.dumps(s, ensure_ascii=False)


def rand_scalar(r):
    k = r.random()
    if k < 0.35:
        return r.choice(WORDS)
    if k < 0.6:
        return r.choice(INTS)
    if k < 0.75:
        return r.choice(FLOATS)
    if k < 0.9:
        return r.choice([True, False])
    return None


def rand_value(r, depth=0):
    k = r.random()
    if depth < 2 and k < 0.15:
        return [rand_value(r, depth + 1) for _ in range(r.randint(0, 4))]
    if depth < 2 and k < 0.3:
        return {r.choice(["a", "b", "c", "name", "port", "z", "Key", "k_1", "enabled"]): rand_value(r, depth + 1)
                for _ in range(r.randint(0, 4))}
    return rand_scalar(r)


def yaml_dump(v, indent=0):
    """A small YAML writer (JSON flow for scalars; block for collections)."""
    pad = " " * indent
    if isinstance(v, dict):
        if not v:
            return "{}"
        out = []
        for k, x in v.items():
            if isinstance(x, (dict, list)) and x:
                out.append(f"{pad}{k}:\n{yaml_dump(x, indent + 2)}")
            else:
                out.append(f"{pad}{k}: {yaml_dump(x)}")
        return "\n".join(out)
    if isinstance(v, list):
        if not v:
            return "[]"
        out = []
        for x in v:
            if isinstance(x, (dict, list)) and x:
                body = yaml_dump(x, indent + 2)
                out.append(f"{pad}- {body.lstrip()}")
            else:
                out.append(f"{pad}- {yaml_dump(x)}")
        return "\n".join(out)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v) if isinstance(v, float) else str(v)
    if isinstance(v, str):
        return yaml_str(v)
    raise TypeError(v)


def make_values(r):
    vals = {
        "s": r.choice(WORDS), "s2": r.choice(WORDS), "num": r.choice(INTS), "num2": r.choice(INTS),
        "f": r.choice(FLOATS), "b": r.choice([True, False]), "nul": None, "empty": "",
        "list": [rand_scalar(r) for _ in range(r.randint(0, 4))],
        "words": [r.choice(WORDS) for _ in range(r.randint(0, 4))],
        "nums": [r.choice(INTS) for _ in range(r.randint(1, 4))],
        "map": {k: rand_value(r, 1) for k in r.sample(["a", "b", "c", "name", "port", "z", "Key"], r.randint(0, 4))},
        "nested": {"inner": {"deep": rand_value(r, 1), "flag": r.choice([True, False])}, "list": [rand_value(r, 1)]},
        "emptyList": [], "emptyMap": {}, "zero": 0, "ver": r.choice(VER),
        "any": rand_value(r),
        "global": {"g": r.choice(WORDS), "gn": r.choice(INTS)},
        "sub": {"local": r.choice(WORDS), "num": r.choice(INTS + FLOATS)},
    }
    return vals


# ---------------------------------------------------------------- session-6 additions
# Drawn from a second generator (seeded apart), so that the cases of the first stream stay what
# they were: constructs real charts use that the units above do not reach.

EXTRA_VALUES = """fl:
  a: 1e6
  b: 1.0
  c: 0.1
  d: 3.0e-5
  e: 123456789012
  f: 1e+21
  g: -0.0
yaml11:
  y: yes-key
  on: on-key
  n: 7
  "off": quoted
  0x1F: hexkey
sub2:
  enabled: {enabled}
  local: from-parent
tags:
  extra: {tag}
"""

EXTRA_UNITS = [
    # tpl with nested includes and values
    '{k}: {{{{ tpl "{{{{ include \\"t.nested\\" .Values.s }}}}-{{{{ .Values.fl.a }}}}" . }}}}',
    '{k}: {{{{ tpl (toYaml (dict "x" "{{{{ .Release.Name }}}}" "n" (list "{{{{ .Chart.Name | upper }}}}"))) $ | nindent 2 }}}}',
    '{k}: {{{{ tpl "{{{{ range $i, $v := .Values.nums }}}}{{{{ $i }}}}:{{{{ $v }}}},{{{{ end }}}}" . }}}}',
    # .Files
    '{k}:{{{{ (.Files.Glob "files/*").AsConfig | nindent 2 }}}}',
    '{k}:{{{{ (.Files.Glob "files/*.txt").AsSecrets | nindent 2 }}}}',
    '{k}: "{{{{ range $path, $_ := .Files.Glob "files/**" }}}}{{{{ $path }}}} {{{{ end }}}}"',
    '{k}: {{{{ .Files.Get "files/c.json" | fromJson | toJson }}}}',
    '{k}: {{{{ range .Files.Lines "files/a.txt" }}}}[{{{{ . }}}}]{{{{ end }}}}',
    # lookup
    '{k}: {{{{ $s := lookup "v1" "Secret" .Release.Namespace "x" }}}}{{{{ if $s }}}}found{{{{ else }}}}none {{{{ $s | toJson }}}}{{{{ end }}}}',
    '{k}: {{{{ (lookup "v1" "ConfigMap" "ns" "cm").data | default (dict "d" 1) | toJson }}}}',
    # Capabilities
    '{k}: {{{{ if semverCompare ">=1.21-0" .Capabilities.KubeVersion.Version }}}}new{{{{ else }}}}old{{{{ end }}}} {{{{ semverCompare "<1.19" .Capabilities.KubeVersion.GitVersion }}}} {{{{ .Capabilities.KubeVersion.Minor | int | add 1 }}}}',
    '{k}: {{{{ if .Capabilities.APIVersions.Has "policy/v1" }}}}policy/v1{{{{ else }}}}policy/v1beta1{{{{ end }}}} {{{{ has "apps/v1" .Capabilities.APIVersions }}}}',
    # required / fail messages
    '{k}: {{{{ required (printf "%s needs %s" .Chart.Name "fl.a") .Values.fl.a }}}}',
    '{k}: {{{{ required "nested.missing is required" .Values.nested.missing }}}}',
    '{k}: {{{{ if not .Values.fl.a }}}}{{{{ fail (printf "bad value %v" .Values.fl.a) }}}}{{{{ end }}}}ok',
    # toYaml of nested lists and maps
    '{k}:{{{{ toYaml (list (list 1 2) (dict "a" (list "x" (dict "b" nil "c" (list))))) | nindent 2 }}}}',
    '{k}:{{{{ toYaml .Values.nested | indent 4 }}}}',
    '{k}:\n  {{{{- toYaml (dict "l" (list (dict "name" "a" "v" .Values.fl.b) (dict "name" "b"))) | nindent 2 }}}}',
    '{k}: {{{{ toYaml .Values.fl }}}}',
    # whitespace trimming
    '{k}: {{{{- "a" -}}}}\n  b\n{{{{- /* c */ -}}}}\n  {{{{ "d" }}}}',
    '{k}: x  {{{{- " y" }}}}  {{{{- /* z */}}}}  w',
    '{{{{- if true }}}}\n{k}: t\n{{{{- end }}}}\n{{{{- /* trailing */ -}}}}',
    # range over maps, break/continue, with else
    '{k}: "{{{{ range $key, $v := .Values.map }}}}{{{{ $key }}}}={{{{ $v | toJson }}}};{{{{ end }}}}"',
    '{k}: "{{{{ range $key, $v := .Values.global }}}}{{{{ if eq $key "gn" }}}}{{{{ continue }}}}{{{{ end }}}}{{{{ $key }}}}{{{{ end }}}}"',
    '{k}: "{{{{ range $i, $v := .Values.nums }}}}{{{{ if gt $i 1 }}}}{{{{ break }}}}{{{{ end }}}}{{{{ $v }}}}{{{{ end }}}}"',
    '{k}: {{{{ with $x := .Values.fl.c }}}}{{{{ $x }}}}{{{{ else }}}}none{{{{ end }}}} {{{{ with .Values.missing }}}}{{{{ . }}}}{{{{ else with .Values.yaml11 }}}}{{{{ . | toJson }}}}{{{{ end }}}}',
    # deep merge, deepCopy, mutations of shared maps and lists
    '{k}: {{{{ $d := deepCopy .Values.nested }}}}{{{{ $_ := set $d.inner "flag" "changed" }}}}{{{{ .Values.nested.inner.flag }}}} {{{{ $d.inner.flag }}}}',
    '{k}: {{{{ mergeOverwrite (deepCopy .Values.nested) (dict "inner" (dict "flag" "over" "new" 1)) | toJson }}}}',
    '{k}: {{{{ merge (dict "inner" (dict "flag" "kept")) .Values.nested | toJson }}}}',
    '{k}: {{{{ $m := .Values.map }}}}{{{{ $_ := set $m "added" (list 1) }}}}{{{{ $_ := unset $m "a" }}}}{{{{ .Values.map | toJson }}}}',
    '{k}: {{{{ $l := list 1 2 }}}}{{{{ $l2 := append $l 3 }}}}{{{{ $l3 := prepend $l 0 }}}}{{{{ $l }}}} {{{{ $l2 }}}} {{{{ $l3 }}}}',
    '{k}: {{{{ $_ := set .Values "shared" (dict "n" 1) }}}}{{{{ $_ := set .Values.shared "n" 2 }}}}{{{{ $.Values.shared.n }}}}',
    # printf verbs, quote of nil and numbers, floats from values
    '{k}: {{{{ printf "%v %d %s %q %x %5.1f %g %e %T" .Values.fl.a .Values.fl.b .Values.fl.c .Values.fl.a .Values.fl.b .Values.fl.c .Values.fl.e .Values.fl.d .Values.fl.e }}}}',
    '{k}: {{{{ quote .Values.nul }}}} {{{{ quote 1.0 }}}} {{{{ quote .Values.fl.a }}}} {{{{ squote nil }}}} {{{{ quote .Values.missing }}}} {{{{ quote 3 .Values.fl.f }}}}',
    '{k}: {{{{ .Values.fl.a }}}} {{{{ .Values.fl.b }}}} {{{{ .Values.fl.e }}}} {{{{ .Values.fl.f }}}} {{{{ .Values.fl.g }}}} {{{{ addf 0.1 0.2 }}}} {{{{ add .Values.fl.b 1 }}}} {{{{ mulf .Values.fl.a 10 }}}} {{{{ div .Values.fl.a 3 }}}} {{{{ float64 "1e6" }}}}',
    '{k}: {{{{ toJson .Values.fl }}}} {{{{ .Values.fl | toYaml | fromYaml | toJson }}}}',
    '{k}: {{{{ .Values.yaml11 | toJson }}}}',
    # library and optional subcharts
    '{k}:{{{{ include "lib.labels" . | nindent 2 }}}}',
    '{k}: {{{{ .Values.sub2 | toJson }}}} {{{{ .Values.imported | toJson }}}} {{{{ keys .Subcharts | sortAlpha }}}}',
]

LIB_TPL = """{{- define "lib.name" -}}
{{ default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "lib.labels" -}}
app.kubernetes.io/name: {{ include "lib.name" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- with .Values.global }}
global: {{ toJson . | quote }}
{{- end }}
{{- end }}
"""

SUB2_TEMPLATE = """s2: {{ .Values.local }} {{ .Values.global | toJson }} {{ .Values.exports | toJson }}
s2tpl: {{ tpl "{{ .Values.local }}-{{ .Chart.Name }}" . }}
"""


def add_extras(seed, n, d, units):
    """The session-6 constructs: extra values, a library chart, an optional subchart (condition,
    tags, alias, import-values), and units that use them."""
    r2 = random.Random(f"{seed}-{n}-extras")
    if r2.random() >= 0.6:
        return units
    with open(os.path.join(d, "values.yaml"), "a") as f:
        f.write(EXTRA_VALUES.format(enabled=r2.choice(["true", "false"]), tag=r2.choice(["true", "false"])))
    chart_yaml = os.path.join(d, "Chart.yaml")
    with open(chart_yaml) as f:
        chart = f.read()
    deps = []
    os.makedirs(os.path.join(d, "charts", "lib", "templates"), exist_ok=True)
    with open(os.path.join(d, "charts", "lib", "Chart.yaml"), "w") as f:
        f.write("apiVersion: v2\nname: lib\nversion: 0.2.0\ntype: library\n")
    with open(os.path.join(d, "charts", "lib", "templates", "_lib.tpl"), "w") as f:
        f.write(LIB_TPL)
    deps.append("  - name: lib\n    version: 0.2.0\n")
    if r2.random() < 0.7:
        os.makedirs(os.path.join(d, "charts", "sub2", "templates"), exist_ok=True)
        with open(os.path.join(d, "charts", "sub2", "Chart.yaml"), "w") as f:
            f.write("apiVersion: v2\nname: sub2\nversion: 0.3.0\n")
        with open(os.path.join(d, "charts", "sub2", "values.yaml"), "w") as f:
            f.write("local: sub2-default\nexports:\n  data:\n    imported:\n      from: sub2\n      n: 2\n"
                    "global:\n  s2g: 1\n")
        with open(os.path.join(d, "charts", "sub2", "templates", "s2.yaml"), "w") as f:
            f.write(SUB2_TEMPLATE)
        dep = "  - name: sub2\n    version: 0.3.0\n"
        how = r2.choice(["condition", "tags", "both", "none"])
        if how in ("condition", "both"):
            dep += "    condition: sub2.enabled\n"
        if how in ("tags", "both"):
            dep += "    tags:\n      - extra\n"
        if r2.random() < 0.5:
            dep += "    import-values:\n      - data\n"
        deps.append(dep)
    if "dependencies:" in chart:
        chart = chart.replace("dependencies:\n", "dependencies:\n" + "".join(deps))
    else:
        chart += "dependencies:\n" + "".join(deps)
    with open(chart_yaml, "w") as f:
        f.write(chart)
    k0 = len(units)
    extra = [r2.choice(EXTRA_UNITS).format(k=f"k{k0 + i}") for i in range(r2.randint(1, 3))]
    return units + [u.replace("\\n", "\n") for u in extra]


# ---------------------------------------------------------------- session-7 additions
# A third stream (seeded apart again, so the cases above stay what they were): lookups with
# fallbacks, API versions and Kubernetes versions with pre-release suffixes, toYaml of strings
# YAML reads as something else, random and clock functions compared by shape, regex groups,
# negative lengths, default/coalesce/empty over every type, nested dict functions, list
# functions over mixed types, and the number conversions of strings.

EXTRA3_VALUES = """special:
  on: "on"
  yes: "yes"
  sci: "1e3"
  hex: "0x1F"
  tilde: "~"
  empty: ""
  multi: "line1\\nline2\\n"
  lead: "  leading spaces"
  trail: "trailing  "
  uni: "ünïcödé ✓"
  colon: "a: b"
  dash: "- item"
  hash: "#comment"
  octal: "0755"
  date: "2001-12-14"
  nul: "null"
  big: "12345678901234567890"
convert: ["08", "1e3", " 5", "0x1F", "3.9", "-7", "1_000", "abc", ""]
"""

EXTRA3_UNITS = [
    # lookup with fallbacks (helm template has no cluster: an empty map)
    '{k}: {{{{ $s := lookup "v1" "Secret" .Release.Namespace "db" }}}}{{{{ $pw := "" }}}}{{{{ if $s }}}}{{{{ $pw = index $s.data "password" | b64dec }}}}{{{{ else }}}}{{{{ $pw = "fallback" }}}}{{{{ end }}}}{{{{ $pw }}}}',
    '{k}: {{{{ (lookup "apps/v1" "Deployment" "" "").items | default list | len }}}} {{{{ lookup "v1" "Namespace" "" "x" | toJson }}}} {{{{ (lookup "v1" "ConfigMap" "ns" "cm").data.key | default "none" }}}}',
    '{k}: {{{{ $cm := lookup "v1" "ConfigMap" "ns" "cm" | default dict }}}}{{{{ get $cm "data" | default (dict "k" "v") | toJson }}}} {{{{ dig "metadata" "name" "unnamed" $cm }}}}',
    # API versions and Kubernetes versions
    '{k}: {{{{ range list "apps/v1" "autoscaling/v2" "autoscaling/v2beta2" "batch/v1" "networking.k8s.io/v1" "policy/v1beta1" "monitoring.coreos.com/v1" }}}}{{{{ . }}}}={{{{ $.Capabilities.APIVersions.Has . }}}} {{{{ end }}}}',
    '{k}: {{{{ semverCompare ">=1.21.0-0" .Capabilities.KubeVersion.Version }}}} {{{{ semverCompare "<1.25.0" "1.25.0-rc.1" }}}} {{{{ semverCompare ">=1.20" "v1.22.3-gke.100" }}}} {{{{ semverCompare ">=1.20-0" "v1.22.3-gke.100" }}}} {{{{ semverCompare "~1.28" (printf "%s-eks-123" .Capabilities.KubeVersion.Version) }}}} {{{{ semverCompare "^1.2.0-beta" "1.2.0-beta.2" }}}}',
    '{k}: {{{{ .Capabilities.KubeVersion.Major }}}}.{{{{ .Capabilities.KubeVersion.Minor }}}} {{{{ .Capabilities.KubeVersion }}}} {{{{ semverCompare ">= 1.19-0, < 1.40-0" .Capabilities.KubeVersion.GitVersion }}}} {{{{ (semver .Capabilities.KubeVersion.Version).Minor }}}}',
    # toYaml / toJson / quote of strings YAML reads as something else
    '{k}:{{{{ toYaml .Values.special | nindent 2 }}}}',
    '{k}:{{{{ toYaml (dict "a" "on" "b" "yes" "c" "1e3" "d" "0x1F" "e" "~" "f" "" "g" "x\\ny" "h" "  lead" "i" "ü" "j" "null" "k" "012" "l" "1_000" "m" ": x" "n" "- a" "o" "#c" "p" "t " "q" "@x" "r" "`x" "s" "True" "t" "Y" "u" "2001-12-14" "v" "+1" "w" ".5" "x" "0o17") | nindent 2 }}}}',
    '{k}: {{{{ toJson .Values.special }}}} {{{{ range $key, $v := .Values.special }}}}{{{{ $v | quote }}}},{{{{ end }}}}',
    '{k}:{{{{ toYaml (list "on" "" "~" (dict "k" "line1\\nline2") "- x" " ") | nindent 2 }}}}',
    # random and clock functions: compared by shape
    '{k}: {{{{ randAlphaNum 12 | len }}}} {{{{ randAlpha 5 | regexMatch "^[a-zA-Z]{{5}}$" }}}} {{{{ randNumeric 4 | regexMatch "^[0-9]{{4}}$" }}}} {{{{ randAscii 6 | len }}}} {{{{ uuidv4 | len }}}}',
    '{k}: {{{{ now | date "2006" | len }}}} {{{{ now | typeOf }}}} {{{{ dateModify "-1h" now | typeOf }}}} {{{{ now | unixEpoch | typeOf }}}} {{{{ ago now | typeOf }}}}',
    '{k}: {{{{ b64enc "user:pass" }}}} {{{{ b64enc "x" | b64dec }}}} {{{{ sha256sum "abc" | trunc 8 }}}} {{{{ sha1sum "" | trunc 6 }}}} {{{{ adler32sum "abc" }}}} {{{{ b64dec "not base64!" }}}}',
    # regular expressions
    '{k}: {{{{ regexReplaceAll "(\\\\w+)@(\\\\w+)" "a@b c@d" "$2.$1" }}}} {{{{ regexReplaceAll "(a)(b)?" "ab a" "${{1}}x$2" }}}} {{{{ regexReplaceAll "(a)" "aa" "$1x" }}}} {{{{ regexReplaceAllLiteral "a" "aa" "$0" }}}} {{{{ regexFind "[0-9]+" "ab12cd34" }}}} {{{{ regexFindAll "[0-9]" "a1b2c3" 2 }}}}',
    '{k}: {{{{ regexMatch "[" "x" }}}} {{{{ regexMatch "^v?[0-9]+" .Capabilities.KubeVersion.Version }}}} {{{{ regexSplit "[,;] *" "a, b;c" -1 | toJson }}}}',
    '{k}: {{{{ mustRegexMatch "[" "x" }}}}',
    '{k}: {{{{ mustRegexReplaceAll "(" "x" "y" }}}}',
    # negative lengths, suffixes
    '{k}: {{{{ trunc -3 "abcdef" }}}}|{{{{ trunc -10 "abc" }}}}|{{{{ trunc 0 "abc" }}}}|{{{{ trimSuffix "-" "a--" }}}}|{{{{ trimPrefix "--" "--a" }}}}|{{{{ substr -1 2 "abc" }}}}|{{{{ abbrev 5 "hello world" }}}}',
    '{k}: {{{{ printf "%s-%s" .Release.Name "averyveryveryverylongname-abcdefghijklmnopqrstuvwxyz0123456789" | trunc 63 | trimSuffix "-" }}}}',
    # default, coalesce, empty, ternary over every type
    '{k}: {{{{ default "d" (dict) }}}} {{{{ default "d" (list) }}}} {{{{ default "d" 0 }}}} {{{{ default "d" false }}}} {{{{ default "d" 0.0 }}}} {{{{ default "d" .Values.zero }}}} {{{{ default 5 .Values.emptyMap | toJson }}}} {{{{ default "d" " " | quote }}}} {{{{ default (list 1) .Values.emptyList | toJson }}}}',
    '{k}: {{{{ coalesce .Values.nul .Values.emptyList .Values.zero .Values.emptyMap "x" }}}} {{{{ coalesce 0 "" nil | toJson }}}} {{{{ coalesce (list) (dict "a" 1) | toJson }}}} {{{{ ternary "y" "n" (empty .Values.zero) }}}}',
    '{k}: {{{{ range list 0 0.0 "" " " nil false true (list) (list nil) (dict) (dict "a" nil) "0" 1 -1 }}}}{{{{ empty . }}}},{{{{ end }}}} {{{{ empty .Values.emptyMap }}}} {{{{ empty .Values.missing }}}}',
    # nested dicts: dig, pluck, get, set, unset, hasKey, keys, values
    '{k}: {{{{ dig "a" "b" "c" "dflt" (dict "a" (dict "b" (dict "c" "found"))) }}}} {{{{ dig "inner" "x" "dflt" .Values.nested }}}} {{{{ dig "a" "b" "dflt" (dict "a" "str") }}}} {{{{ dig "a" "dflt" (dict "a" nil) | toJson }}}}',
    '{k}: {{{{ $d := dict "a" (dict "b" 1) }}}}{{{{ $_ := set $d.a "c" 2 }}}}{{{{ get $d.a "c" }}}} {{{{ get $d "missing" | toJson }}}} {{{{ $_ := set $d "a" "flat" }}}}{{{{ $d | toJson }}}} {{{{ hasKey $d "a" }}}} {{{{ $_ := unset $d "a" }}}}{{{{ $d | toJson }}}}',
    '{k}: {{{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" nil) (dict "a" "x") | toJson }}}} {{{{ pluck "missing" .Values.map | toJson }}}} {{{{ keys (dict "b" 1 "a" 2 "c" 3) | sortAlpha }}}} {{{{ values (dict "b" 1 "a" 2) | sortAlpha }}}} {{{{ keys .Values.map .Values.global | sortAlpha | uniq }}}}',
    # lists over mixed types
    '{k}: {{{{ uniq (list 1 "1" 1.0 1 nil nil) | toJson }}}} {{{{ without (list 1 2 "2" 2 nil) 2 nil | toJson }}}} {{{{ compact (list "" 0 nil false "a" (list) (dict) 0.0) | toJson }}}} {{{{ has 1 (list 1.0) }}}} {{{{ has "1" (list 1) }}}}',
    '{k}: {{{{ list 3 1 2 | sortAlpha }}}} {{{{ list "b" "B" "a" "10" "9" | sortAlpha | join "," }}}} {{{{ concat (list 1) (list (list 2)) | toJson }}}} {{{{ first (list) | toJson }}}} {{{{ last (list) | toJson }}}} {{{{ rest (list) | toJson }}}} {{{{ initial (list 1) | toJson }}}}',
    # number conversions of strings
    '{k}: {{{{ range .Values.convert }}}}{{{{ int . }}}}/{{{{ int64 . }}}}/{{{{ float64 . }}}}/{{{{ atoi . }}}};{{{{ end }}}}',
    '{k}: {{{{ int "08" }}}} {{{{ int "1e3" }}}} {{{{ int " 5" }}}} {{{{ float64 "08" }}}} {{{{ float64 "1e3" }}}} {{{{ float64 " 5" }}}} {{{{ int64 "0x1F" }}}} {{{{ int "3.9" }}}} {{{{ int 3.9 }}}} {{{{ int -3.9 }}}} {{{{ float64 "inf" }}}} {{{{ int true }}}} {{{{ float64 nil }}}} {{{{ toDecimal "0755" }}}}',
    '{k}: {{{{ add "1" "2" }}}} {{{{ add "1.5" 1 }}}} {{{{ mul "3" 2.5 }}}} {{{{ addf "1.5" "2" }}}} {{{{ max "10" 9 }}}} {{{{ add1 "0x10" }}}} {{{{ sub "08" 1 }}}}',
]


def add_extras3(seed, n, d, units):
    """The session-7 constructs: the special values and units that use them."""
    r3 = random.Random(f"{seed}-{n}-extras3")
    if r3.random() >= 0.5:
        return units
    with open(os.path.join(d, "values.yaml"), "a") as f:
        f.write(EXTRA3_VALUES)
    k0 = len(units)
    extra = [r3.choice(EXTRA3_UNITS).format(k=f"k{k0 + i}") for i in range(r3.randint(1, 3))]
    return units + extra


# ---------------------------------------------------------------- helmfid additions
# A fourth stream (seeded apart, so the cases above stay what they were): Go values that are
# not plain data (time.Time and its methods, nil slices, Helm's KubeVersion struct), go-yaml's
# error texts in fromYaml, Go's escapes in quote/%q, Sprig functions added late (sha512sum,
# trimall, duration, durationRound, bcrypt, buildCustomCert), and names Go's parser refuses
# in a branch that never runs.

BAD_YAML = [": bad: yaml: :", "[- a b]", "a: b: c", "a:\\n  - b\\n c: d", "key: [unclosed",
            "key: {{a: 1", "- a\\nb: c", "a: 'open", "a: *nowhere", "a: @b", "a: 1\\n  b: 2",
            "a: [1, 2]]", "k: 'a' b", "]", "- - - ]", "a: 1\\nb: \\\"open\\n"]

EXTRA4_UNITS = [
    # time.Time: type, kind, methods, JSON/YAML, printing
    '{k}: {{{{ $t := toDate "2006-01-02T15:04:05Z07:00" "2024-03-05T10:20:30Z" }}}}{{{{ $t.Unix }}}} {{{{ $t.Year }}}} {{{{ $t.Format "Jan 2 15:04" }}}} {{{{ $t | toJson }}}} {{{{ printf "%T|%s|%v" $t $t $t }}}} {{{{ typeOf $t }}}} {{{{ kindOf $t }}}}',
    '{k}: {{{{ now | kindOf }}}} {{{{ if now }}}}t{{{{ end }}}} {{{{ typeIs "time.Time" (dateModify "2h" now) }}}} {{{{ toDate "2006-01-02" "bad" }}}} {{{{ dateModify "90m" (toDate "2006-01-02" "2024-03-05") }}}} {{{{ list (toDate "2006-01-02" "2024-03-05") }}}}',
    '{k}:{{{{ dict "t" (toDate "2006-01-02" "2024-03-05") "n" 1 | toYaml | nindent 2 }}}}',
    # nil slices
    '{k}: {{{{ rest (list) | toJson }}}} {{{{ initial (list) | toJson }}}} {{{{ rest (list 1) | toJson }}}} {{{{ rest (list) }}}} {{{{ rest (list) | len }}}} {{{{ empty (initial (list)) }}}} {{{{ dict "r" (rest (list)) | toJson }}}} {{{{ list (rest .Values.emptyList) | toJson }}}}',
    '{k}:{{{{ dict "r" (rest (list)) "i" (initial (list 1)) | toYaml | nindent 2 }}}}',
    # Helm's KubeVersion struct
    '{k}: {{{{ .Capabilities.KubeVersion | toJson }}}} {{{{ typeOf .Capabilities.KubeVersion }}}} {{{{ kindOf .Capabilities.KubeVersion }}}} {{{{ printf "%s" .Capabilities.KubeVersion }}}}',
    # fromYaml's error texts
    '{k}: {{{{ fromYaml "{bad}" | toJson }}}}',
    '{k}: {{{{ fromYamlArray "{bad}" | toJson }}}}',
    # Go's escapes in quote and %q
    '{k}: {{{{ quote "a\\u2028b" "\\u00a0" "tab\\t" "\\x7f" "é😀" }}}} {{{{ printf "%q|%+q|%#q" "\\u200bx" "é😀" "a`b" }}}} {{{{ printf "%q" "\\ufeff\\ue000" }}}}',
    # Sprig functions added late
    '{k}: {{{{ sha512sum "abc" | trunc 16 }}}} {{{{ trimall "-" "--a-b--" }}}} {{{{ duration 90 }}}} {{{{ duration "3725" }}}} {{{{ duration (int64 61) }}}} {{{{ durationRound "49h" }}}} {{{{ durationRound "2h10m" }}}} {{{{ durationRound "9000h" }}}} {{{{ durationRound "1s" }}}} {{{{ bcrypt "x" | len }}}}',
    '{k}: {{{{ buildCustomCert "not base64!" "x" }}}}',
    # names Go's parser refuses even where they never run
    '{k}: {{{{ if false }}}}{{{{ $undefinedVar }}}}{{{{ end }}}}x',
    '{k}: {{{{ if false }}}}{{{{ noSuchFunction 1 }}}}{{{{ end }}}}x',
    '{k}: {{{{ if true }}}}{{{{ $v := 1 }}}}{{{{ else }}}}{{{{ $v }}}}{{{{ end }}}}{{{{ with $w := 2 }}}}{{{{ $w }}}}{{{{ else with $u := 3 }}}}{{{{ $u }}}}{{{{ $w }}}}{{{{ end }}}}',
]


def add_extras4(seed, n, d, units):
    """The helmfid constructs: units from EXTRA4_UNITS, in four charts of ten."""
    r4 = random.Random(f"{seed}-{n}-extras4")
    if r4.random() >= 0.4:
        return units
    k0 = len(units)
    extra = []
    for i in range(r4.randint(1, 3)):
        # The parse-time refusals fail the whole chart: rarer than the rest.
        pool = EXTRA4_UNITS if r4.random() < 0.15 else EXTRA4_UNITS[:-3] + EXTRA4_UNITS[-1:]
        unit = r4.choice(pool)
        extra.append(unit.format(k=f"k{k0 + i}", bad=r4.choice(BAD_YAML)))
    return units + extra


# Go's element types (helmfid3): what Sprig and Helm return typed (`[]string`, `[]int`,
# `[][]interface {}`, `map[string]string`, nil slices, Helm's `common.Values`), beside
# untyped controls, each seen through what tells the types apart.
TYPED_LISTS = [
    'splitList "," "a,b,,c"', 'splitList "," ""', "until 3", "until 0", "untilStep 1 7 2",
    "untilStep 5 0 -2", 'keys (dict "a" 2)', 'keys (dict "b" 1 "a" 2) | sortAlpha', 'sortAlpha (list "b" "a")',
    "sortAlpha (until 3)", "sortAlpha (list)", 'toStrings (list 1 nil "x")', "toStrings (list)",
    'regexFindAll "[0-9]+" "a1b22" -1', 'regexFindAll "z" "abc" -1', 'regexFindAll "a" "aaa" 0',
    'regexSplit "[,;]" "a,b;c" -1', 'regexSplit "," "a,b" 0', "chunk 2 (list 1 2 3)",
    "chunk 2 (list)", '.Files.Lines "files/a.txt"', 'slice (splitList "," "a,b,c") 1',
    'deepCopy (splitList "," "x")', 'list "a" "b"', "list 0 1 2", "list", "rest (list)",
    'initial (splitList "," "a,b")', 'append (splitList "," "a") 1', ".Values.list",
]
TYPED_MAPS = [
    'split "," "a,b"', 'splitn ":" 2 "a:b:c"', 'deepCopy (split "," "x,y")', 'dict "_0" "a"',
    ".Values", ".Template", ".Values.map", 'fromYaml "_0: a"',
]
TYPED_ANY = [
    "typeOf {p}", "kindOf {p}", 'printf "%T|%v" {p} {p}', "{p} | toJson", "deepEqual {p} {q}",
    "len {p}", 'printf "%d|%s" {p} {p}', 'printf "%%" {p}', "empty {p}", "{p} | toYaml | nindent 2",
    'include "t.ctx" ({p})', "typeOf (deepCopy {p})",
]
TYPED_LIST_OBS = [
    "index {p} 0", "index {p} 5", "first {p} | typeOf", "rest {p} | typeOf", "last {p}",
    'append {p} "x" | typeOf', 'has "a" {p}', "uniq {p} | typeOf", "slice {p} 1 | typeOf",
    "reverse {p} | typeOf", 'has {p} (list {q})', "sortAlpha {p} | typeOf", 'join "-" {p}',
]
TYPED_MAP_OBS = [
    # Go ranges a map in random order: `values` is sorted or counted.
    "keys {p} | sortAlpha", "values {p} | sortAlpha", "values {p} | len", 'hasKey {p} "_0"', 'dig "_0" "x" {p}',
    'pluck "_0" {p}', "merge (dict) {p} | len", 'get {p} "_0"', 'index {p} "_0"',
    'index {p} "zz" | typeOf', 'pick {p} "_0"', "{p}._0",
]
# Tabs where go-yaml eats or refuses them (after a key's `:`, at a line's start, after `-`,
# before a plain scalar's or a block scalar's column), and keys go-yaml reads as numbers.
TAB_YAML = [
    "a:\\tb: 1", "a:\\n\\tb: 1", "\\t", "l:\\n-\\t1", "a:\\n  \\tb: 1", "a: 1\\n\\t",
    "a:\\n  b: x\\n\\tc: 1", "a: |\\n\\tx", "a: |\\n  x\\n\\ty", "a:\\t1", "a:\\n  b:\\t1",
    "a: x\\n  \\ty", "a: |\\n  x\\n  \\ty\\nb: 1", "a: 1 \\t# c", "- a\\n-\\tb",
]
TYPED_MISC = [
    '{k}: {{{{ fromYaml "{tab}" | toJson }}}}',
    '{k}: {{{{ fromYaml "{{{{ .Release.Name }}}}" | toJson }}}} {{{{ fromYaml "a: {{{{ b }}}}" | toJson }}}} {{{{ fromYaml "[1, x]: y" | toJson }}}}',
    '{k}: {{{{ dict "_0" 1 ".5_" 2 "0b_1" 3 "-0X1f" 4 "0o8" 5 | toYaml | nindent 2 }}}}',
    '{k}: {{{{ initials "ünïcödé à b" }}}} {{{{ initials "Über alles" }}}}',
    '{k}: {{{{ dig "list" "x" .Values }}}}',
    '{k}: {{{{ dig "list" "x" (deepCopy .Values) }}}}',
    '{k}: {{{{ range $i, $v := until 2 }}}}{{{{ typeOf $i }}}}{{{{ typeOf $v }}}}{{{{ end }}}}',
    '{k}: {{{{ range $k, $v := split "," "a,b" }}}}{{{{ $k }}}}={{{{ typeOf $v }}}} {{{{ end }}}}',
]


def add_extras5(seed, n, d, units):
    """The helmfid3 constructs: Go's typed slices and maps, in four charts of ten."""
    r5 = random.Random(f"{seed}-{n}-extras5")
    if r5.random() >= 0.4:
        return units
    k0 = len(units)
    extra = []
    for i in range(r5.randint(1, 3)):
        k = f"k{k0 + i}"
        if r5.random() < 0.2:
            extra.append(r5.choice(TYPED_MISC).format(k=k, tab=r5.choice(TAB_YAML)))
            continue
        maps = r5.random() < 0.35
        p = r5.choice(TYPED_MAPS if maps else TYPED_LISTS)
        q = r5.choice(TYPED_MAPS if maps else TYPED_LISTS)
        obs = TYPED_ANY + (TYPED_MAP_OBS if maps else TYPED_LIST_OBS)
        # Now and then an observer of the other kind (Helm's refusals count too).
        if r5.random() < 0.1:
            obs = TYPED_LIST_OBS if maps else TYPED_MAP_OBS
        expr = r5.choice(obs).format(p=f"({p})", q=f"({q})")
        extra.append(f"{k}: {{{{ {expr} }}}}")
    return units + extra


GO_OBJS = [".Files", ".Capabilities", ".Capabilities.APIVersions", ".Capabilities.KubeVersion",
           ".Capabilities.HelmVersion", '(semver "1.2.3-rc.1+b")', '(.Files.Glob "files/*")',
           ".Values", ".Release", '(.Files.Glob "nothing/*")']
GO_JSON = ['(semver "v1.2")', ".Capabilities.APIVersions", '(.Files.Glob "files/*.txt")',
           '(list (semver "2.0.0") .Capabilities.KubeVersion)']
SHARP_V = ['(list 1 "a" nil 2.5)', '(dict "a" (list 2) "b" nil)', ".Values.s", '(splitList "," "a,b")',
           "(until 3)", "(rest (list))", '(split "," "a,b")', ".Values.map", "1.5", "(int64 3)", "nil",
           "true", '(list (dict) (list))', '"q\\"uote"', '(semver "1.2.3").Minor', ".Values.list"]
YAML_TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!binary", "!custom", "!!seq"]
YAML_TAGGED = ["1", "x", "1.5", "'7'", "yes", "aGVsbG8=", ".inf", "~", "0x1F", "-.Inf", '""']


def add_extras6(seed, n, d, units):
    """Session 11: Go's types of Helm's objects and semver values (typeOf, kindOf, %T,
    toJson, %v/%s of .Files), printf "%#v", and fromYaml of tagged scalars and
    infinities; in four charts of ten."""
    r6 = random.Random(f"{seed}-{n}-extras6")
    if r6.random() >= 0.4:
        return units
    k0 = len(units)
    extra = []
    for i in range(r6.randint(1, 3)):
        k = f"k{k0 + i}"
        w = r6.random()
        if w < 0.25:
            o = r6.choice(GO_OBJS)
            extra.append(f'{k}: {{{{ typeOf {o} }}}} {{{{ kindOf {o} }}}} {{{{ printf "%T" {o} }}}}')
        elif w < 0.4:
            extra.append(f"{k}: {{{{ {r6.choice(GO_JSON)} | toJson | trunc 80 }}}}")
        elif w < 0.5:
            verb = r6.choice(["%v", "%s", "%d"])
            extra.append(f'{k}: {{{{ printf "{verb}" (.Files.Glob "files/{r6.choice(["b.txt", "*.json"])}") }}}}'
                         f' "{{{{ range $p, $_ := .Files }}}}{{{{ $p }}}},{{{{ end }}}}"')
        elif w < 0.75:
            extra.append(f'{k}: {{{{ printf "%#v" {r6.choice(SHARP_V)} }}}}')
        else:
            tag, val = r6.choice(YAML_TAGS), r6.choice(YAML_TAGGED)
            text = f"a: {tag} {val}".replace('"', '\\"')
            extra.append(f'{k}: {{{{ fromYaml "{text}" | toJson }}}}')
    return units + extra


STRUCTS = [".Capabilities.KubeVersion", ".Capabilities.HelmVersion", '(semver "1.2.3-rc.1+b")',
           '(toDate "2006-01-02" "2024-03-05")', '(toDate "2006-01-02" "2024-03-05").UTC',
           '(dateModify "90m" (toDate "2006-01-02" "2024-03-05"))', ".Capabilities.APIVersions",
           '(list .Capabilities.KubeVersion 1)', '(dict "k" .Capabilities.KubeVersion)',
           '(list (semver "2.0.0"))', ".Capabilities"]
STRUCT_VERBS = ["%+v", "%#v", "%d", "%q", "%s", "%x", "%v", "%10v", "%-8s"]
DATE_TEXTS = ["2023-05-17", "2023-5-7", "2023-02-29", "2024-02-29", "2023-13-01", "2023-05-17T10:20:30Z",
              "2023-05-17T10:20:30", "2023-05-17 10:20:30.5", "2023-05-17 10:20", "2023-05-17T24:00:00Z",
              "2023-05-17T10:20:30+05:30", "2023-05-17x", "1900-02-29"]
FLOW_QUESTION = ["[a?b]", "{a: b?c}", "[?a]", "[a, ?b]", "[https://x.io/p?q=1]", "{? a}", "[a ?b]",
                 "k: a?b", "k: [a, 'b?']", "k: |\n  [a?b]", "- [x,\n  y?]", "[\"a?\"]"]
SEPARATORS = ["a: 1  \n---  # c\nb: 2", "x: 1\n----\ny: 2", "p: 1\n--- \n   \nq: 2 ", "m: 1\n\t\n---\n\nn: 2"]


def add_extras7(seed, n, d, units):
    """Session 13: Go's fmt of structs (%+v, %#v, field-wise verbs, time.Time's GoString),
    toYaml of strings go-yaml may read as timestamps, fromYaml of `?` in flow collections,
    concat of empty lists, and Helm v4's split of documents at `---`; in four charts of
    ten."""
    r7 = random.Random(f"{seed}-{n}-extras7")
    if r7.random() >= 0.4:
        return units
    k0 = len(units)
    extra = []
    for i in range(r7.randint(1, 3)):
        k = f"k{k0 + i}"
        w = r7.random()
        if w < 0.35:
            verb = r7.choice(STRUCT_VERBS)
            obj = r7.choice(STRUCTS)
            # A *semver.Version inside a list prints its address under the verbs that call
            # no String method (`%d`, `%x`, `%#v`): left out, no renderer can print it.
            if verb in ("%#v", "%d", "%x") and obj == '(list (semver "2.0.0"))':
                obj = '(semver "2.0.0")'
            # `%d` of a time.Time prints its *Location pointer: left out likewise.
            if verb == "%d" and "Date" in obj + " " and ("toDate" in obj or "dateModify" in obj):
                verb = "%s"
            extra.append(f'{k}: {{{{ printf "{verb}" {obj} | quote }}}}')
        elif w < 0.55:
            texts = r7.sample(DATE_TEXTS, 3)
            extra.append(f"{k}: {{{{ toYaml (list {' '.join(json.dumps(t) for t in texts)}) | quote }}}}")
        elif w < 0.75:
            text = r7.choice(FLOW_QUESTION).replace('"', '\\"').replace("\n", "\\n")
            extra.append(f'{k}: {{{{ fromYaml "{text}" | toJson | quote }}}} {{{{ fromYamlArray "{text}" | toJson | quote }}}}')
        elif w < 0.9:
            lists = r7.choice(["(list)", "(list) (list)", "(rest (list 1))", "(initial (list)) (list 2)", ".Values.emptyList"])
            extra.append(f"{k}: {{{{ concat {lists} | toJson }}}}")
        else:
            extra.append(f"{k}: 1\n---\n{r7.choice(SEPARATORS)}\n---\nk{k0 + i}b: 2")
    return units + extra


def set_args(r):
    """`--set` arguments of Helm's strvals grammar."""
    pool = [
        lambda: f"num={r.choice(INTS)}", lambda: f"s={r.choice(['plain', 'x', 'true', 'false', '10', '1.5', 'null-ish', '0777'])}",
        lambda: "nul=null", lambda: "s2=null", lambda: "map.a=null", lambda: f"map.added={r.choice(['v', '3', 'true'])}",
        lambda: "list={a,b,c}", lambda: "list[1]=z", lambda: "words[0]=first", lambda: "nums={1,2,3}",
        lambda: r"s=a\,b", lambda: r"map.dotted\.key=v", lambda: "newkey.deep.er=1", lambda: "f=2.5",
        lambda: "b=false", lambda: "b=true", lambda: "emptyList[0]=x", lambda: "global.g=fromset",
        lambda: "sub.local=fromset", lambda: "any=", lambda: "nested.inner.flag=false", lambda: "num2=-5",
        lambda: "big=12345678901234", lambda: "str=0x10", lambda: "list[2].name=x",
    ]
    return [r.choice(pool)() for _ in range(r.randint(0, 3))] if r.random() < 0.4 else []


# ---------------------------------------------------------------- expressions

def lit_str(r):
    s = r.choice(WORDS[:20] + ["a-b-c", "Hello World", "x y z", "foo", "BAR"])
    return json.dumps(s, ensure_ascii=False)


class Gen:
    def __init__(self, r):
        self.r = r
        self.vars = []  # variables in scope: (name, type)

    def pick(self, *opts):
        return self.r.choice(opts)

    def chance(self, p):
        return self.r.random() < p

    # Each method returns a template expression (operand or parenthesised call).
    def string(self, d=0):
        r = self.r
        if d > 2 or self.chance(0.3):
            return self.pick(lit_str(r), ".Values.s", ".Values.s2", ".Release.Name", ".Chart.Name",
                             ".Values.ver", ".Release.Namespace", ".Chart.Version", ".Template.Name",
                             ".Template.BasePath", ".Chart.AppVersion", ".Values.global.g", '"%s-%v"',
                             ".Capabilities.KubeVersion.Version", ".Capabilities.KubeVersion.Major",
                             ".Release.Service", lit_str(r))
        s = lambda: self.string(d + 1)
        i = lambda: self.int(d + 1)
        opts = [
            lambda: f"(upper {s()})", lambda: f"(lower {s()})", lambda: f"(title {s()})",
            lambda: f"(untitle {s()})", lambda: f"(trim {s()})", lambda: f'(trimAll "-a" {s()})',
            lambda: f'(trimPrefix "a" {s()})', lambda: f'(trimSuffix "a" {s()})',
            lambda: f"(repeat {r.randint(0, 3)} {s()})", lambda: f"(substr {r.randint(0, 3)} {r.randint(-1, 6)} {s()})",
            lambda: f"(nospace {s()})", lambda: f"(trunc {r.randint(-5, 8)} {s()})", lambda: f"(abbrev {r.randint(3, 8)} {s()})",
            lambda: f"(abbrevboth {r.randint(1, 3)} {r.randint(4, 9)} {s()})",
            lambda: f"(initials {s()})", lambda: f"(wrap {r.randint(1, 6)} {s()})", lambda: f'(wrapWith 3 "|" {s()})',
            lambda: f"(quote {self.any(d + 1)})", lambda: f"(squote {self.any(d + 1)})", lambda: f"(cat {self.any(d + 1)} {self.any(d + 1)})",
            lambda: f'(replace "a" "-" {s()})', lambda: f"(snakecase {s()})", lambda: f"(camelcase {s()})",
            lambda: f"(kebabcase {s()})", lambda: f"(swapcase {s()})", lambda: f"(toString {self.any(d + 1)})",
            lambda: f'(join "," {self.list(d + 1)})', lambda: f'(regexReplaceAll "[aeiou]+" {s()} "_")',
            lambda: f'(regexReplaceAllLiteral "a(.)" {s()} "$1")', lambda: f'(regexReplaceAll "(a)(.)" {s()} "${{2}}$1")',
            lambda: f'(regexFind "[a-z]+" {s()})', lambda: f"(regexQuoteMeta {s()})",
            lambda: f"(b64enc {s()})", lambda: f"(b64dec (b64enc {s()}))", lambda: f"(b32enc {s()})",
            lambda: f"(sha256sum {s()})", lambda: f"(sha1sum {s()})", lambda: f"(adler32sum {s()})",
            lambda: f'(printf "{self.verb()}" {self.any(d + 1)})', lambda: f'(printf "%s-%d" {s()} {i()})',
            lambda: f"(print {self.any(d + 1)} {self.any(d + 1)})", lambda: f"(println {self.any(d + 1)})",
            lambda: f"(default {s()} {self.any(d + 1)})", lambda: f"(toYaml {self.any(d + 1)})",
            lambda: f"(toJson {self.any(d + 1)})", lambda: f"(toPrettyJson {self.any(d + 1)})",
            lambda: f"(toRawJson {self.any(d + 1)})", lambda: f"(kindOf {self.any(d + 1)})",
            lambda: f"(typeOf {self.any(d + 1)})", lambda: f"(plural \"one\" \"many\" {i()})",
            lambda: f'(include "t.str" {self.any(d + 1)})', lambda: f'(tpl {self.tpl_src()} .)',
            lambda: f'(date "2006-01-02 15:04:05 Mon Jan" (toDate "2006-01-02" "{self.date()}"))',
            lambda: f'(dateInZone "{self.datefmt()}" (toDate "2006-01-02T15:04:05Z07:00" "{self.date()}T10:20:30Z") "UTC")',
            lambda: f'(date "{self.datefmt()}" {r.choice([0, 86400, 1700000000, 1234567890])})',
            lambda: f'(htmlDate {r.choice([0, 1700000000])})', lambda: f"(semver {self.pick(*map(json.dumps, VER))}).Major | toString",
            lambda: f"(html {s()})", lambda: f"(js {s()})", lambda: f"(urlquery {s()})",
            lambda: f'(ternary {s()} {s()} {self.bool(d + 1)})', lambda: f"(coalesce .Values.nul .Values.empty {s()})",
            lambda: f'(get {self.map(d + 1)} "a" | toString)', lambda: f"(first {self.list(d + 1)} | toString)",
            lambda: f'(index .Values.map "name" | toString)', lambda: f'(dig "inner" "deep" "dflt" .Values.nested | toString)',
            lambda: f'(splitList "," {s()} | toString)', lambda: f'(split "-" {s()} | toString)',
            lambda: f"(toToml {self.map(d + 1)})", lambda: f'(urlJoin (dict "scheme" "https" "host" {s()} "path" "/x"))',
            lambda: f'(get (urlParse "https://h.io:8443/p/a?q=1#f") "{self.pick("host", "path", "query", "scheme", "userinfo", "fragment", "hostname")}")',
            lambda: f"(shuffle {s()} | len | toString)", lambda: f"(randAlphaNum 8 | len | toString)",
            lambda: f'(uuidv4 | regexMatch "^[0-9a-f]{{8}}-[0-9a-f]{{4}}-4" | toString)',
            lambda: f"(fromYaml {self.yaml_src()} | toJson)", lambda: f"(fromJson {self.json_src()} | toYaml)",
            lambda: f"(fromYamlArray {json.dumps('- 1' + chr(10) + '- b' + chr(10) + '- {c: 2.5}')} | toJson)",
            lambda: f'(.Files.Get "files/a.txt")', lambda: f'(.Files.Glob "files/*.txt" | len | toString)',
            lambda: f'((.Files.Glob "files/*.txt").AsConfig)', lambda: f'(.Files.Lines "files/a.txt" | toString)',
            lambda: f'(.Capabilities.APIVersions.Has "apps/v1" | toString)',
            lambda: f'(semverCompare "{self.pick(">=1.20-0", "<1.2.0", "^1.0.0", "~1.28.0", ">= 1.1, < 3")}" {self.pick(*map(json.dumps, VER))} | toString)',
            lambda: f"(lookup \"v1\" \"Secret\" \"ns\" \"name\" | toString)",
            lambda: f"(indent {r.randint(0, 4)} {s()})", lambda: f"(nindent {r.randint(0, 4)} {s()})",
            lambda: f'(sortAlpha {self.list(d + 1)} | toString)', lambda: f'(keys {self.map(d + 1)} | sortAlpha | join ",")',
            lambda: f'(pluck "a" {self.map(d + 1)} {self.map(d + 1)} | toString)',
            lambda: f'(regexSplit "[,-]" {s()} -1 | toString)', lambda: f'(regexFindAll "[a-z]" {s()} {r.randint(-1, 3)} | toString)',
            lambda: f'(.Chart | toYaml)' if False else f'(.Chart.Name)',
            lambda: f'(base {s()})', lambda: f'(dir {s()})', lambda: f'(ext "a/b.tar.gz")', lambda: f'(clean "a//b/../c")',
            lambda: f"(toString (hasPrefix \"a\" {s()}))", lambda: f"(toString (contains \"a\" {s()}))",
            lambda: f'(printf "%v|%v|%v" (int {self.num(d + 1)}) (float64 {self.num(d + 1)}) (int64 {self.num(d + 1)}))',
        ]
        return r.choice(opts)()

    def verb(self):
        return self.pick("%v", "%d", "%q", "%s", "%T", "%+v", "%5.2f", "%x", "%03d", "%t", "%8s|%-6v|", "%e", "%g", "%.3g", "%%")

    def date(self):
        return self.pick("2023-05-17", "2000-01-01", "1999-12-31", "2024-02-29")

    def datefmt(self):
        return self.pick("2006-01-02", "Jan 2, 2006 at 3:04pm (MST)", "02/01/06 15:04:05.000", "Monday", "2006-01-02T15:04:05Z07:00", "20060102")

    def tpl_src(self):
        return json.dumps(self.pick("{{ .Values.s }}", "x-{{ .Release.Name }}", "{{ .Values.num | add 1 }}",
                                    "{{ include \"t.str\" .Values.s }}", "{{ .Template.Name }}", "plain", "{{ toYaml .Values.map }}"))

    def yaml_src(self):
        return json.dumps(self.pick("a: 1\nb: [x, 2.5, true, null]\nc: {d: e}", "x: 007\ny: 1e3\nz: '1'",
                                    "k: 12345678901\nf: 1.0", "- 1\n- 2", "a: !!str 5", ": bad: yaml: :", "{}", "a: yes\nb: on"))

    def json_src(self):
        return json.dumps(self.pick('{"a": 1, "b": [1.5, "x", null], "c": {"d": true}}', '{"big": 12345678901234567}',
                                    '[1,2]', '{"f": 1.0, "e": 1e21}', 'not json', '{}'))

    def int(self, d=0):
        r = self.r
        if d > 2 or self.chance(0.35):
            return self.pick(str(r.choice(INTS[:12])), ".Values.num", ".Values.num2", ".Values.zero", "(len .Values.list)",
                             str(r.randint(-3, 20)), ".Values.sub.num")
        i = lambda: self.int(d + 1)
        opts = [
            lambda: f"(add {i()} {i()})", lambda: f"(add1 {i()})", lambda: f"(sub {i()} {i()})", lambda: f"(mul {i()} {i()})",
            lambda: f"(div {i()} {self.pick('1', '2', '3', '7')})", lambda: f"(mod {i()} {self.pick('2', '3', '5')})",
            lambda: f"(max {i()} {i()} {i()})", lambda: f"(min {i()} {i()})", lambda: f"(len {self.list(d + 1)})",
            lambda: f"(len {self.string(d + 1)})", lambda: f"(int {self.num(d + 1)})", lambda: f"(int64 {self.num(d + 1)})",
            lambda: f"(atoi {self.pick(chr(34) + '42' + chr(34), chr(34) + 'x' + chr(34), chr(34) + '-7' + chr(34))})",
            lambda: f"(biggest {i()} {i()})", lambda: f"(floor {self.num(d + 1)})", lambda: f"(ceil {self.num(d + 1)})",
            lambda: f"(round {self.num(d + 1)} {r.randint(0, 3)})", lambda: f"(addf {self.num(d + 1)} {self.num(d + 1)})",
            lambda: f"(subf {self.num(d + 1)} {i()})", lambda: f"(mulf {self.num(d + 1)} {self.num(d + 1)})",
            lambda: f"(divf {self.num(d + 1)} {self.pick('2', '3', '0.5', '4.0')})", lambda: f"(maxf {self.num(d + 1)} {i()})",
            lambda: f"(minf {self.num(d + 1)} {i()})", lambda: f"(add .Values.num 1)", lambda: f"(add1 .Values.f)",
            lambda: f"(sub .Values.f 1)", lambda: f"(mul .Values.f 2)", lambda: f"(div .Values.num2 3)",
            lambda: f"(randInt 3 4)", lambda: f"(index .Values.nums 0)", lambda: f"(last .Values.nums)",
            lambda: f"(len (until {r.randint(0, 5)}))", lambda: f'(.Files.Get "files/a.txt" | len)',
            lambda: f"(sub (len .Values.words) 1)",
        ]
        return r.choice(opts)()

    def num(self, d=0):
        return self.pick(str(self.r.choice(FLOATS[:9])), ".Values.f", self.int(d + 1), '"3.7"', '"12"', ".Values.num")

    def bool(self, d=0):
        r = self.r
        if d > 2 or self.chance(0.3):
            return self.pick("true", "false", ".Values.b", ".Values.nested.inner.flag")
        opts = [
            lambda: f"(eq {self.int(d + 1)} {self.int(d + 1)})", lambda: f"(ne {self.string(d + 1)} {self.string(d + 1)})",
            lambda: f"(lt {self.int(d + 1)} {self.int(d + 1)})", lambda: f"(ge {self.int(d + 1)} {self.int(d + 1)})",
            lambda: f"(and {self.any(d + 1)} {self.any(d + 1)})", lambda: f"(or {self.any(d + 1)} {self.any(d + 1)})",
            lambda: f"(not {self.any(d + 1)})", lambda: f"(empty {self.any(d + 1)})", lambda: f"(has {self.any(d + 1)} {self.list(d + 1)})",
            lambda: f'(hasKey {self.map(d + 1)} "a")', lambda: f'(contains "a" {self.string(d + 1)})',
            lambda: f'(hasPrefix "a" {self.string(d + 1)})', lambda: f'(hasSuffix "a" {self.string(d + 1)})',
            lambda: f'(regexMatch "^[a-z]+$" {self.string(d + 1)})', lambda: f'(kindIs "{self.kind()}" {self.any(d + 1)})',
            lambda: f'(typeIs "{self.pick("string", "int", "float64", "int64", "bool", "[]interface {}", "map[string]interface {}")}" {self.any(d + 1)})',
            lambda: f'(typeIsLike "{self.pick("string", "float64", "int")}" {self.any(d + 1)})',
            lambda: f'(semverCompare ">=1.2.0" {self.pick(*map(json.dumps, VER))})', lambda: f"(eq .Values.num {self.int(d + 1)})",
            lambda: f'(eq .Values.s "alpha")', lambda: f"(eq .Values.f 1.5)", lambda: f"(all {self.any(d + 1)} {self.any(d + 1)})",
            lambda: f"(any {self.any(d + 1)} .Values.nul)", lambda: f'(.Capabilities.APIVersions.Has "{self.pick("v1", "apps/v1", "batch/v1beta1", "policy/v1", "networking.k8s.io/v1")}")',
            lambda: f"(deepEqual {self.list(d + 1)} {self.list(d + 1)})", lambda: f"(isAbs {self.string(d + 1)})",
        ]
        return r.choice(opts)()

    def kind(self):
        return self.pick("string", "int", "int64", "float64", "bool", "map", "slice", "invalid", "ptr")

    def list(self, d=0):
        r = self.r
        if d > 2 or self.chance(0.35):
            return self.pick(".Values.list", ".Values.words", ".Values.nums", ".Values.emptyList", "(list)",
                             '(list "b" "a" "c" "a")', "(list 1 2.5 \"x\" true)", ".Values.nested.list")
        l = lambda: self.list(d + 1)
        opts = [
            lambda: f"(list {self.any(d + 1)} {self.any(d + 1)})", lambda: f"(rest {l()})", lambda: f"(initial {l()})",
            lambda: f"(append {l()} {self.any(d + 1)})", lambda: f"(prepend {l()} {self.any(d + 1)})",
            lambda: f"(concat {l()} {l()})", lambda: f"(reverse {l()})", lambda: f"(uniq {l()})",
            lambda: f"(without {l()} {self.any(d + 1)})", lambda: f"(compact {l()})", lambda: f"(until {r.randint(0, 4)})",
            lambda: f"(untilStep {r.randint(0, 3)} {r.randint(4, 9)} {r.randint(1, 3)})", lambda: f"(seq {r.randint(1, 5)})",
            lambda: f"(seq 5 -2 1)", lambda: f"(sortAlpha {l()})", lambda: f'(splitList "," "a,b,,c")',
            lambda: f"(slice {l()} 0)", lambda: f"(chunk 2 {l()})", lambda: f"(keys {self.map(d + 1)} | sortAlpha)",
            lambda: f'(pluck "name" .Values.map (dict "name" 1))', lambda: f'(regexFindAll "[0-9]+" "a1b22c333" -1)',
            lambda: f"(toStrings {l()})", lambda: f"(mustAppend {l()} 1)", lambda: f'(fromJsonArray "[1, \\"a\\", 2.5]")',
            lambda: f'(default (list "d") {self.any(d + 1)})', lambda: f"(deepCopy {l()})", lambda: f"(splitn \"-\" 2 \"a-b-c\" | values | sortAlpha)",
        ]
        return r.choice(opts)()

    def map(self, d=0):
        r = self.r
        if d > 2 or self.chance(0.35):
            return self.pick(".Values.map", ".Values.nested", ".Values.emptyMap", "(dict)", '(dict "a" 1 "b" "two")',
                             ".Values.global", '(dict "a" (dict "b" (list 1 2)) "z" nil)')
        m = lambda: self.map(d + 1)
        opts = [
            lambda: f'(dict "a" {self.any(d + 1)} "b" {self.any(d + 1)})', lambda: f"(merge (dict) {m()} {m()})",
            lambda: f"(mergeOverwrite (dict) {m()} {m()})", lambda: f"(deepCopy {m()})", lambda: f'(pick {m()} "a" "name")',
            lambda: f'(omit {m()} "a")', lambda: f'(set (dict) "k" {self.any(d + 1)})', lambda: f'(unset (deepCopy {m()}) "a")',
            lambda: f"(fromYaml {self.yaml_src()})", lambda: f"(fromJson {self.json_src()})", lambda: f"(mustMerge (dict \"x\" 1) {m()})",
            lambda: f"(default (dict \"d\" 1) {self.any(d + 1)})", lambda: f'(dig "inner" dict .Values.nested)',
        ]
        return r.choice(opts)()

    def any(self, d=0):
        if self.vars and self.chance(0.15):
            return self.r.choice(self.vars)
        k = self.r.random()
        if k < 0.3:
            return self.string(d)
        if k < 0.5:
            return self.int(d)
        if k < 0.58:
            return self.pick(".Values.f", str(self.r.choice(FLOATS)), self.num(d))
        if k < 0.68:
            return self.bool(d)
        if k < 0.8:
            return self.list(d)
        if k < 0.9:
            return self.map(d)
        return self.pick(".Values.nul", ".Values.missing", ".Values.any", ".Values.empty", "nil", ".Values.nested.inner.deep",
                         ".Values.big", ".Values.str", ".Values.newkey", ".Values.sub")

    # -------------------------------------------------------- units

    def unit(self, k):
        r = self.r
        key = f"k{k}"
        c = r.random()
        e = lambda: self.any().replace("nil", ".Values.nul") if self.chance(0.9) else self.any()
        if c < 0.35:
            return f"{key}: {{{{ {e()} }}}}"
        if c < 0.45:
            return f"{key}: {{{{ {e()} | {self.pipe_fn()} }}}}"
        if c < 0.52:
            return f'{key}: {{{{ printf "{self.verb()}" {e()} }}}}'
        if c < 0.57:
            return f"{key}:{{{{ {e()} | toYaml | nindent 2 }}}}"
        if c < 0.62:
            return (f"{{{{- if {e()} }}}}\n{key}: a\n{{{{- else if {e()} }}}}\n{key}: b\n{{{{- else }}}}\n{key}: c\n{{{{- end }}}}")
        if c < 0.68:
            coll = self.pick(self.list(1), self.map(1), ".Values.nul", str(r.randint(0, 4)), ".Values.num2" if False else "(until 3)", ".Values.any")
            body = self.pick("{{ $i }}={{ $v }}", "{{ $v | toJson }}", "{{ if eq (toString $v) \"a\" }}{{ break }}{{ end }}{{ $i }}",
                             "{{ if $v }}{{ continue }}{{ end }}{{ $v }}")
            if coll.isdigit() or coll == ".Values.any":
                # Go ranges over an int with one variable only.
                return f"{key}: \"{{{{- range $v := {coll} }}}}{{{{ $v }}}};{{{{- else }}}}none{{{{- end }}}}\""
            return f"{key}: \"{{{{- range $i, $v := {coll} }}}}{body};{{{{- else }}}}none{{{{- end }}}}\""
        if c < 0.72:
            return f"{key}: {{{{ with {e()} }}}}{{{{ . }}}}{{{{ else with {e()} }}}}w{{{{ . }}}}{{{{ else }}}}none{{{{ end }}}}"
        if c < 0.76:
            v = f"$v{k}"
            return f"{{{{- {v} := {e()} }}}}\n{{{{- {v} = {e()} }}}}\n{key}: {{{{ {v} | toJson }}}}"
        if c < 0.8:
            return f"{key}: {{{{ include \"t.{self.pick('str', 'yaml', 'ctx', 'nested', 'ws')}\" {e()} }}}}"
        if c < 0.82:
            return f"{key}: {{{{ template \"t.str\" {e()} }}}}"
        if c < 0.84:
            return f"{key}: {{{{ block \"t.block{k}\" {e()} }}}}[{{{{ . }}}}]{{{{ end }}}}"
        if c < 0.86:
            return f"{key}: {{{{/* a comment */}}}} {{{{- {e()} -}}}} {{{{- /* trim */ -}}}} end"
        if c < 0.88:
            return f"{key}: {{{{ required \"{key} is required\" {e()} }}}}"
        if c < 0.885:
            return f"{key}: {{{{ if {self.bool()} }}}}{{{{ fail \"failed here\" }}}}{{{{ end }}}}"
        if c < 0.92:
            return f"{key}: {{{{ {e()} | {self.pipe_fn()} | {self.pipe_fn()} }}}}"
        if c < 0.94:
            return f"{key}: {{{{ tpl {self.tpl_src()} $ }}}}"
        if c < 0.96:
            return f"{key}: {{{{ (index {self.pick('.Values.nums', '.Values.list', '(list 1 2 3)', '.Values.map', '.Values.nested')} {self.pick('0', '1', chr(34) + 'a' + chr(34), '-1', '5')}) }}}}"
        if c < 0.98:
            return f"{key}: {{{{ {self.pick('.Values.map.a', '.Values.nested.inner', '.Values.nul.x', '.Values.missing.x', '.Values.list.x', '.Values.s.x')} }}}}"
        return f"{key}: {{{{ {e()} {self.pick('|', '')} {self.pick('default', 'quote', 'len', 'toString')} {e()} }}}}"

    STRING_FNS = {"upper", "trim", "b64enc", "trunc 3", "sha256sum", "lower", "title", "replace \"a\" \"b\"",
                  "fromYaml", "atoi", "semver", "indent 2", "nindent 4"}
    LIST_FNS = {"first", "uniq", "reverse", "len"}

    def pipe_fn(self):
        """A function for a pipeline; most of those that need a string or a list get one
        (`toString | upper`), some do not (Helm's argument type errors)."""
        f = self.raw_pipe_fn()
        if f in self.STRING_FNS and self.chance(0.85):
            return f"toString | {f}"
        if f in self.LIST_FNS and self.chance(0.85):
            return f"toStrings | {f}"
        if f == "keys" and self.chance(0.85):
            return 'dict "k" | keys'
        if f.startswith("ternary") and self.chance(0.85):
            return f"empty | {f}"
        return f

    def raw_pipe_fn(self):
        return self.pick("quote", "squote", "toString", "toJson", "toYaml", "upper", "trim", "b64enc", "len", "kindOf",
                         "typeOf", "default \"d\"", "empty", "not", "int", "float64", "toStrings", "nindent 4", "indent 2",
                         "first", "trunc 3", "printf \"%v\"", "sha256sum", "lower", "js", "html", "cat \"p\"", "title",
                         "ternary \"y\" \"n\"", "replace \"a\" \"b\"", "toPrettyJson", "fromYaml", "keys", "atoi", "add 1",
                         "join \"-\"", "required \"r\"", "toToml", "semver", "uniq", "reverse", "coalesce nil", "urlquery")


HELPERS = """{{- define "t.str" -}}
s:{{ . }}
{{- end }}
{{- define "t.yaml" }}
a: {{ . | toJson }}
b: {{ kindOf . }}
{{- end -}}
{{ define "t.ctx" }}{{ typeOf . }}/{{ toString . | trunc 20 }}{{ end }}
{{- define "t.nested" -}}
[{{ include "t.str" . }}|{{ template "t.ctx" . }}]
{{- end -}}
{{- define "t.ws" }}

  spaced {{ . }}

{{ end }}
"""

# ---------------------------------------------------------------- session-15 additions
# An eighth stream (seeded apart, so the cases above stay what they were): what grafana's,
# loki's and argo's charts do with values that hold templates: `tpl` of a `with` dot and of
# `toYaml .` through a `$root` variable, an `extraObjects` list rendered by a tplvalues
# partial (`typeIs "string"`, else `tpl (toYaml)`), `grafana.ini`-style ranges over a dotted
# key with `kindIs "map"`/`"invalid"`/`"string"`, `get .Values "a.b"`, `.Files` held in a
# variable, `include (print $.Template.BasePath …)`, `urlJoin` of parts of every type.

EXTRA8_VALUES = """ini.cfg:
  top: "{{ .Release.Name }}"
  count: 3
  none:
  section:
    a: "x-{{ .Chart.Name }}"
    b: true
    c: 1.5
extraObjs:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: "{{ .Release.Name }}-cm"
    data:
      k: v
  - |
    kind: Secret
    name: {{ include "t8.name" . }}
extraText: |
  - name: side
    image: "x:{{ .Chart.AppVersion }}"
ctx:
  sc:
    runAsUser: 0
    caps: [A, B]
"""

T8_HELPERS = """{{- define "t8.render" -}}
{{- if typeIs "string" .value }}
{{- tpl .value .context }}
{{- else }}
{{- tpl (.value | toYaml) .context }}
{{- end }}
{{- end -}}
{{- define "t8.name" -}}{{ .Release.Name | trunc 10 }}-{{ .Chart.Name }}{{- end -}}
"""

URL_PARTS = ['"/x"', "1", "(list 1)", "true", "nil", ".Values.ctx", '""', "(dict)"]

EXTRA8_UNITS = [
    '{k}:{{{{ range $e, $v := index .Values "ini.cfg" }}}}{{{{ if kindIs "map" $v }}}} [{{{{ $e }}}}]{{{{ range $e2, $v2 := $v }}}} {{{{ $e2 }}}}={{{{ if kindIs "string" $v2 }}}}{{{{ tpl $v2 $ }}}}{{{{ else }}}}{{{{ $v2 }}}}{{{{ end }}}}{{{{ end }}}}{{{{ else if kindIs "invalid" $v }}}} {{{{ $e }}}}={{{{ else }}}} {{{{ $e }}}}={{{{ tpl (toString $v) $ }}}}{{{{ end }}}}{{{{ end }}}}',
    '{k}:\n  {{{{- include "t8.render" (dict "value" (index .Values.extraObjs {i}) "context" $) | nindent 2 }}}}',
    '{k}: {{{{ range .Values.extraObjs }}}}{{{{ include "t8.render" (dict "value" . "context" $) | sha256sum | trunc 8 }}}},{{{{ end }}}}',
    '{k}:{{{{ with .Values.extraText }}}}{{{{ tpl . $ | nindent 2 }}}}{{{{ end }}}}',
    '{k}: {{{{ $root := . }}}}{{{{ with .Values.ctx.sc }}}}{{{{ tpl (toYaml .) $root | toJson }}}}{{{{ end }}}}',
    '{k}: {{{{ get .Values "ini.cfg" | keys | sortAlpha | toJson }}}} {{{{ (get .Values "ini.cfg").section.a }}}} {{{{ hasKey .Values "ini.cfg" }}}} {{{{ (index .Values "ini.cfg").none | toJson }}}}',
    '{k}: {{{{ $files := .Files }}}}{{{{ range $p, $_ := .Files.Glob "files/*.txt" }}}}{{{{ base $p | trimSuffix ".txt" }}}}={{{{ $files.Get $p | len }}}},{{{{ end }}}}',
    '{k}: {{{{ range $key, $v := .Values.iniMissing }}}}x{{{{ end }}}}{{{{ print "a" | printf "%s.json" | indent 2 | quote }}}}',
    '{k}: {{{{ urlJoin (dict "scheme" "https" "host" "h.io" "path" {p}) }}}}',
    '{k}: {{{{ mustRegexReplaceAllLiteral "@sha.*" "{tag}" "" | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}}}',
    '{k}: {{{{ include (print $.Template.BasePath "/_t8.tpl") . | len }}}} {{{{ include "t8.name" . }}}}',
    '{k}: {{{{ ternary "networking.k8s.io/v1" "networking.k8s.io/v1beta1" (semverCompare ">=1.19-0" .Capabilities.KubeVersion.GitVersion) }}}}',
    '{k}: {{{{ tpl (.Values.ctx.missing | default "") . | quote }}}} {{{{ tpl (toYaml (dict "a" (list "{{{{ .Release.Name }}}}" 1))) . | toJson }}}}',
]


def add_extras8(seed, n, d, units):
    """Session 15: values holding templates as grafana's and loki's charts use them; in four
    charts of ten."""
    r8 = random.Random(f"{seed}-{n}-extras8")
    if r8.random() >= 0.4:
        return units
    with open(os.path.join(d, "values.yaml"), "a") as f:
        f.write(EXTRA8_VALUES)
    with open(os.path.join(d, "templates", "_t8.tpl"), "w") as f:
        f.write(T8_HELPERS)
    k0 = len(units)
    extra = []
    for i in range(r8.randint(1, 3)):
        unit = r8.choice(EXTRA8_UNITS).format(
            k=f"k{k0 + i}", i=r8.choice([0, 1]), p=r8.choice(URL_PARTS),
            tag=r8.choice(["1.2@sha256:ab", "", "v1-", "@sha"]))
        extra.append(unit.replace("\\n", "\n"))
    return units + extra


SUB_TEMPLATE = """sg: {{ .Values.global.g }}
sgn: {{ .Values.global.gn }}
sl: {{ .Values.local | toJson }}
snum: {{ .Values.num }}
sall: {{ .Values | toJson }}
stpl: {{ .Template.Name }} {{ .Chart.Name }} {{ .Release.Name }}
"""


def make_case(seed, n, out):
    r = random.Random(f"{seed}-{n}")
    g = Gen(r)
    d = os.path.join(out, f"case-{n:04d}")
    os.makedirs(os.path.join(d, "templates"), exist_ok=True)
    os.makedirs(os.path.join(d, "files"), exist_ok=True)
    chart = "apiVersion: v2\nname: gen\nversion: 1.2.3-beta.1\nappVersion: \"4.5\"\ndescription: generated\n"
    if r.random() < 0.3:
        chart += "annotations:\n  team: x\n  \"a.b/c\": \"1\"\n"
    vals = make_values(r)
    if r.random() < 0.3:
        os.makedirs(os.path.join(d, "charts", "sub", "templates"), exist_ok=True)
        chart += "dependencies:\n  - name: sub\n    version: 0.1.0\n"
        with open(os.path.join(d, "charts", "sub", "Chart.yaml"), "w") as f:
            f.write("apiVersion: v2\nname: sub\nversion: 0.1.0\n")
        with open(os.path.join(d, "charts", "sub", "values.yaml"), "w") as f:
            f.write(yaml_dump({"local": r.choice(WORDS), "num": r.choice(INTS + FLOATS), "global": {"g": "subdefault", "sg": 1}}) + "\n")
        with open(os.path.join(d, "charts", "sub", "templates", "s.yaml"), "w") as f:
            f.write(SUB_TEMPLATE)
    with open(os.path.join(d, "Chart.yaml"), "w") as f:
        f.write(chart)
    with open(os.path.join(d, "values.yaml"), "w") as f:
        f.write("# generated\n" + yaml_dump(vals) + "\n")
    with open(os.path.join(d, "files", "a.txt"), "w") as f:
        f.write("line one\nline two: 2\n\nlast" + ("\n" if r.random() < 0.5 else ""))
    with open(os.path.join(d, "files", "b.txt"), "w") as f:
        f.write("b\n")
    with open(os.path.join(d, "files", "c.json"), "w") as f:
        f.write('{"x": 1}\n')
    with open(os.path.join(d, "templates", "_helpers.tpl"), "w") as f:
        f.write(HELPERS)
    units = [g.unit(k) for k in range(r.randint(3, 8))]
    units = add_extras(seed, n, d, units)
    units = add_extras3(seed, n, d, units)
    units = add_extras4(seed, n, d, units)
    units = add_extras5(seed, n, d, units)
    units = add_extras6(seed, n, d, units)
    units = add_extras7(seed, n, d, units)
    units = add_extras8(seed, n, d, units)
    with open(os.path.join(d, "templates", "t.yaml"), "w") as f:
        f.write("\n".join(units) + "\n")
    with open(d + ".units.json", "w") as f:
        json.dump(units, f)
    with open(d + ".args", "w") as f:
        for a in set_args(r):
            f.write(a + "\n")


def main():
    out, seed, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(n):
        make_case(seed, i, out)


if __name__ == "__main__":
    main()
