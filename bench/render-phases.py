#!/usr/bin/env python3
# CPU of `runeguard render` by phase, from a perf profile with call graphs: each sample goes to
# the first phase (in the order below) that one of its frames names.
#   perf record -o p.data -F 10000 --call-graph dwarf,32768 -- \
#     sh -c 'for i in 1 2 3 4 5; do target/release/runeguard render CHART >/dev/null; done'
#   perf script -i p.data -F comm,tid,ip,sym > p.txt
#   bench/render-phases.py p.txt     (totals over the runs recorded: divide by their number)
import sys, collections
PH = [
 ("fromYaml (reading YAML in templates)", ["from_yaml::read", "encoding::register::{{closure}}>values::read_yaml"]),
 ("toYaml", ["toyaml::emit"]),
 ("template parsing", ["Template::parse_named", "Template::parse_apart", "gotmpl::parse::"]),
 ("template execution (rest)", ["Template::execute_template_to_string"]),
 ("source map (split_documents)", ["split_documents"]),
 ("values: values.yaml, coalescing, schema", ["prepare::prepare", "validate_schema"]),
 ("chart loading (files, .tgz)", ["chart::load_dir"]),
 ("renderer: other", ["render_on_this_thread"]),
 ("credentials of the origin files", ["render_chart_with>SourceFile::redaction", "input::render::render>SourceFile::redaction"]),
 ("parsing the rendered stream", ["classify::load_yaml"]),
 ("credentials in the stream's documents", ["mark_document"]),
 ("credentials of the stream (redaction)", ["commands::render::render>SourceFile::redaction", "thread:stream-scan"]),
 ("printing, settings, other of `render`", ["commands::render::render"]),
]
def phase(stack, thread):
    # stack: leaf first
    outer = list(reversed(stack))
    for name, pats in PH:
        for p in pats:
            if p.startswith('thread:'):
                if thread == p[len('thread:'):]: return name
            elif '>' in p:
                a, b = p.split('>')
                ia = [i for i, f in enumerate(outer) if a in f]
                if ia and any(b in f for f in outer[ia[0]:]): return name
            elif any(p in f for f in stack): return name
    return "process start, exit, kernel, other"
for path in sys.argv[1:]:
    cnt = collections.Counter(); stack = []; total = 0; thread = ''
    def flush():
        global total
        if stack:
            total += 1; cnt[phase(stack, thread)] += 1
    for line in open(path, errors='replace'):
        if not line.strip():
            flush(); stack = []; continue
        if line[0] not in ' \t':
            thread = line.split(None, 1)[0] if line.strip() else ''
            continue
        p = line.strip().split(None, 1)
        if len(p) == 2: stack.append(p[1])
    flush()
    print(f"== {path}: {total} samples at 10 kHz = {total/10:.1f} ms of CPU")
    for name, _ in PH + [("process start, exit, kernel, other", [])]:
        if cnt[name]: print(f"  {cnt[name]/10:6.1f} ms  {name}")
