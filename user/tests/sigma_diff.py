#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# sigma_diff.py VIGILCTL RULEDIR...: the Sigma differential test.
#
# An evaluator written from the Sigma specification (sigma-specification:
# "Sigma rules specification" and its modifiers appendix), independent of
# vigil's compiler, decides for every (rule, event) pair whether the rule
# matches.  The events are built from the rules' own values: matches and
# near misses.  `vigilctl replay` runs every rule vigil compiles over
# every event; both must agree on every pair.  One TAP line per rule
# directory, plus one for the whole comparison.  A directory that does not
# exist (../shared absent) is skipped.
#
# Choices the specification leaves open, taken here as vigil documents
# them: '?' matches one byte, case folding is ASCII, values are compared
# as UTF-8 bytes.
import base64
import itertools
import json
import os
import random
import re
import subprocess
import sys
import tempfile

import yaml

try:
    import re._parser as sre_parse
except ImportError:  # Python < 3.11
    import sre_parse

# Sigma's field names -> ECS, per log source category.
FIELDS = {
    'process_creation': {
        'Image': 'process.executable',
        'CommandLine': 'process.command_line',
        'ParentImage': 'process.parent.executable',
        'ParentCommandLine': 'process.parent.command_line',
        'CurrentDirectory': 'process.working_directory',
        'ProcessId': 'process.pid',
        'ParentProcessId': 'process.parent.pid',
    },
    'file_event': {
        'Image': 'process.executable',
        'TargetFilename': 'file.path',
        'ProcessId': 'process.pid',
    },
}
NUMERIC = {'process.pid', 'process.parent.pid'}
KINDS = {
    'exec': {'category': ['process'], 'type': ['start'], 'action': 'exec'},
    'creation': {'category': ['file'], 'type': ['creation'],
                 'action': 'creation'},
    'rename': {'category': ['file'], 'type': ['change'], 'action': 'rename'},
}
CAT_KINDS = {'process_creation': ['exec'], 'file_event': ['creation', 'rename']}

STAR, ONE = object(), object()

# ---------------------------------------------------------------- values


def sigma_string(v):
    """Spec: '\\' escapes '*', '?' and '\\'; any other '\\' is plain."""
    out, i = [], 0
    while i < len(v):
        c = v[i]
        if c == '\\' and i + 1 < len(v) and v[i + 1] in '*?\\':
            out.append(v[i + 1])
            i += 2
            continue
        out.append(STAR if c == '*' else ONE if c == '?' else c)
        i += 1
    return out


def windash(tokens):
    """Each '-' or '/' starting a word, as -, /, en dash, em dash, bar."""
    def word(t):
        return isinstance(t, str) and re.fullmatch(r'[A-Za-z0-9_]', t)
    pos = [i for i, t in enumerate(tokens)
           if t in ('-', '/') and not (i and word(tokens[i - 1]))
           and i + 1 < len(tokens) and word(tokens[i + 1])]
    for combo in itertools.product('-/\u2013\u2014\u2015', repeat=len(pos)):
        t = list(tokens)
        for p, d in zip(pos, combo):
            t[p] = d
        yield t


def b64variants(s, offset):
    """pySigma's base64 / base64offset (spec: modifiers appendix)."""
    raw = s.encode()
    if not offset:
        return [base64.b64encode(raw).decode()]
    out = []
    for i in range(3):
        enc = base64.b64encode(b' ' * i + raw).decode()
        start = (0, 2, 3)[i]
        end = (None, -3, -2)[(len(raw) + i) % 3]
        if enc[start:end]:
            out.append(enc[start:end])
    return out


def glob_re(tokens, lead, trail):
    """Sigma string tokens -> a bytes regex over the whole value."""
    parts = [b'.*'] if lead else []
    for t in tokens:
        if t is STAR:
            parts.append(b'.*')
        elif t is ONE:
            parts.append(b'.')
        else:
            parts.append(re.escape(t.encode()))
    if trail:
        parts.append(b'.*')
    return b''.join(parts)


class Cond:
    """One field with modifiers and its values."""

    def __init__(self, cat, key, values):
        parts = key.split('|')
        self.field = FIELDS[cat][parts[0]]
        self.mods = parts[1:]
        self.values = values if isinstance(values, list) else [values]
        self.all = 'all' in self.mods
        self.matchers = [self.compile(v) for v in self.values]

    def compile(self, v):
        m = self.mods
        if v is None and 'exists' not in m:
            return ('null',)
        if 'exists' in m:
            return ('exists', bool(v))
        if self.field in NUMERIC:
            op = next((o for o in ('lt', 'lte', 'gt', 'gte') if o in m), 'eq')
            return ('num', op, int(v))
        v = str(v) if not isinstance(v, bool) else str(v).lower()
        if 're' in m:
            fl = 0
            fl |= re.I if 'i' in m else 0
            fl |= re.M if 'm' in m else 0
            fl |= re.S if 's' in m else 0
            return ('re', re.compile(v.encode(), fl))
        cased = 'cased' in m
        if 'base64' in m or 'base64offset' in m:
            strs = [sigma_string(x)
                    for x in b64variants(v, 'base64offset' in m)]
            cased = True
        elif 'windash' in m:
            strs = list(windash(sigma_string(v)))
        else:
            strs = [sigma_string(v)]
        lead = 'contains' in m or 'endswith' in m
        trail = 'contains' in m or 'startswith' in m
        flags = re.S | (0 if cased else re.I)
        return ('glob', [re.compile(glob_re(s, lead, trail), flags)
                         for s in strs])

    @staticmethod
    def one(mt, val):
        kind = mt[0]
        if kind == 'null':
            return val is None
        if kind == 'exists':
            return (val is not None) == mt[1]
        if val is None:
            return False
        if kind == 'num':
            op, n = mt[1], mt[2]
            return {'eq': val == n, 'lt': val < n, 'lte': val <= n,
                    'gt': val > n, 'gte': val >= n}[op]
        b = val.encode()
        if kind == 're':
            return mt[1].search(b) is not None
        return any(r.fullmatch(b) for r in mt[1])

    def eval(self, ev):
        val = ev.get(self.field)
        res = (self.one(m, val) for m in self.matchers)
        return all(res) if self.all else any(res)


class Rule:
    def __init__(self, path):
        with open(path, encoding='utf-8') as f:
            d = yaml.safe_load(f)
        self.path = path
        self.id = d['id']
        self.cat = d['logsource']['category']
        det = d['detection']
        self.cond = det['condition']
        self.ids = {}
        for name, body in det.items():
            if name in ('condition',):
                continue
            maps = body if isinstance(body, list) else [body]
            self.ids[name] = [[Cond(self.cat, k, v) for k, v in m.items()]
                              for m in maps]

    def search(self, name, ev):
        return any(all(c.eval(ev) for c in m) for m in self.ids[name])

    # condition: or < and < not; '1 of', 'all of', parentheses
    def matches(self, ev):
        if ev['_kind'] not in CAT_KINDS[self.cat]:
            return False
        conds = self.cond if isinstance(self.cond, list) else [self.cond]
        return any(self._cond(c, ev) for c in conds)

    def _cond(self, text, ev):
        toks = re.findall(r'\(|\)|[^\s()]+', text)
        pos = [0]

        def peek():
            return toks[pos[0]] if pos[0] < len(toks) else None

        def take():
            pos[0] += 1
            return toks[pos[0] - 1]

        def names(pat):
            if pat == 'them':
                return [n for n in self.ids if not n.startswith('_')]
            rx = re.compile('^' + re.escape(pat).replace(r'\*', '.*') + '$')
            return [n for n in self.ids if rx.match(n)]

        def prim():
            t = take()
            if t == '(':
                v = orx()
                assert take() == ')'
                return v
            if t == 'not':
                return not prim()
            if t in ('1', 'all'):
                assert take() == 'of'
                ns = names(take())
                vals = [self.search(n, ev) for n in ns]
                return any(vals) if t == '1' else all(vals)
            return self.search(t, ev)

        def andx():
            v = prim()
            while peek() == 'and':
                take()
                v = prim() and v
            return v

        def orx():
            v = andx()
            while peek() == 'or':
                take()
                v = andx() or v
            return v

        v = orx()
        assert peek() is None, text
        return v

# ---------------------------------------------------------------- events


def regex_sample(rx, rnd):
    """A string the regex source @rx matches, or None."""
    def one_in(items):
        neg = any(op == sre_parse.NEGATE for op, _ in items)
        cand = []
        for op, av in items:
            if op == sre_parse.LITERAL:
                cand.append(chr(av))
            elif op == sre_parse.RANGE:
                cand.append(chr(rnd.randint(av[0], av[1])))
            elif op == sre_parse.CATEGORY:
                cand.append({'CATEGORY_DIGIT': '7', 'CATEGORY_SPACE': ' ',
                             'CATEGORY_WORD': 'w'}.get(str(av), 'x'))
        if neg:  # a guess; the evaluator decides what it means
            return rnd.choice('xQ7 -.')
        return rnd.choice(cand) if cand else 'x'

    def gen(p):
        out = []
        for op, av in p:
            if op == sre_parse.LITERAL:
                out.append(chr(av))
            elif op == sre_parse.NOT_LITERAL:
                out.append('x' if av != ord('x') else 'y')
            elif op == sre_parse.ANY:
                out.append('x')
            elif op == sre_parse.IN:
                out.append(one_in(av))
            elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
                lo, hi, sub = av
                n = rnd.randint(lo, min(hi, lo + 2))
                out.append(''.join(gen(sub) for _ in range(n)))
            elif op == sre_parse.SUBPATTERN:
                out.append(gen(av[-1]))
            elif op == sre_parse.BRANCH:
                out.append(gen(rnd.choice(av[1])))
            elif op == sre_parse.AT:
                pass
            elif op == sre_parse.CATEGORY:
                out.append({'CATEGORY_DIGIT': '7', 'CATEGORY_SPACE': ' ',
                            'CATEGORY_WORD': 'w'}.get(str(av), 'x'))
            else:
                return None
        if None in out:
            return None
        return ''.join(out)

    try:
        s = gen(sre_parse.parse(rx))
    except Exception:
        return None
    return s


def materialize(tokens, fill):
    return ''.join(fill[0] if t is STAR else fill[1] if t is ONE else t
                   for t in tokens)


def candidates(c, rnd):
    """Values for field c.field built from c's values: hits and misses."""
    m = c.mods
    out = []
    if c.field in NUMERIC:
        for v in c.values:
            if v is None or 'exists' in m:
                continue
            out += [int(v), int(v) + 1, max(int(v) - 1, 0)]
        return out
    if 'exists' in m:
        return ['present']
    plain = []
    for v in c.values:
        if v is None:
            out.append(None)
            continue
        v = str(v)
        if 're' in m:
            for _ in range(3):
                s = regex_sample(v, rnd)
                if s is not None:
                    plain += [s, 'pre ' + s + ' post', s[:-1], s[1:],
                              s.swapcase()]
            continue
        if 'base64' in m or 'base64offset' in m:
            for e in b64variants(v, 'base64offset' in m):
                plain += ['x' + e + 'y', e, e.lower(), e[:-1]]
            continue
        toks = sigma_string(v)
        forms = list(windash(toks))[:6] if 'windash' in m else [toks]
        for t in forms:
            for fill in (('', 'q'), ('Zz/', '-')):
                s = materialize(t, fill)
                plain += [s, s.swapcase(), s[:-1], s[1:], 'x' + s, s + 'x',
                          '/usr/bin/' + s + ' --tail', s.replace('\\', '/')]
                if len(s) > 2:
                    k = len(s) // 2
                    plain.append(s[:k] + chr((ord(s[k]) + 1) % 128 or 65)
                                 + s[k + 1:])
    if c.all and plain:
        firsts = [str(v) for v in c.values if v is not None]
        joined = ' '.join(materialize(sigma_string(v), ('', 'q'))
                          for v in firsts)
        plain = [joined, joined.upper()] + plain
    return out + plain


def base_event(conds, rnd):
    """One event meeting every condition of a map, as far as it can:
    values for one field are joined, startswith first, endswith last."""
    parts = {}
    for c in conds:
        cands = candidates(c, rnd)
        if not cands:
            continue
        order = 0 if 'startswith' in c.mods else \
            2 if 'endswith' in c.mods else 1
        parts.setdefault(c.field, []).append((order, cands[0]))
    ev = {}
    for k, vs in parts.items():
        vs.sort(key=lambda x: x[0])
        if len(vs) > 1 and all(isinstance(v, str) for _, v in vs):
            ev[k] = ' '.join(v for _, v in vs)
        else:
            ev[k] = vs[-1][1]
    return ev


def merge(into, ev):
    for k, v in ev.items():
        if k in into and isinstance(v, str) and isinstance(into[k], str):
            into[k] = into[k] + ' ' + v
        else:
            into[k] = v


def events_for(rule, rnd):
    """Each map's base event and its variants, one event merging every
    identifier, one merging all but filter*, per kind of the category."""
    evs = []
    merged, unfiltered = {}, {}
    for name, maps in rule.ids.items():
        for conds in maps:
            base = base_event(conds, rnd)
            evs.append(dict(base))
            merge(merged, base)
            if not name.startswith('filter'):
                merge(unfiltered, base)
            for c in conds:
                for v in candidates(c, rnd)[1:]:
                    e = dict(base)
                    e[c.field] = v
                    evs.append(e)
    evs += [merged, unfiltered]
    out = []
    for e in evs:
        for kind in CAT_KINDS[rule.cat]:
            out.append(dict(e, _kind=kind))
    other = 'creation' if rule.cat == 'process_creation' else 'exec'
    out.append(dict(merged, _kind=other))
    return out


def to_json(ev, i):
    doc = {'@timestamp': '2026-01-01T00:00:00.%09dZ' % i,
           'event': KINDS[ev['_kind']], 'host': {'os': {'type': 'linux'}}}
    for k, v in ev.items():
        if k == '_kind' or v is None:
            continue
        d = doc
        parts = k.split('.')
        for p in parts[:-1]:
            d = d.setdefault(p, {})
        d[parts[-1]] = v
    return json.dumps(doc, ensure_ascii=False)

# ---------------------------------------------------------------- main


def main():
    vigilctl, dirs = sys.argv[1], sys.argv[2:]
    paths = []
    for d in dirs:
        if not os.path.isdir(d):
            print('ok - sigma diff %s # SKIP not present' % d)
            continue
        found = sorted(os.path.join(r, f) for r, _, fs in os.walk(d)
                       for f in fs if f.endswith(('.yml', '.yaml')))
        print('ok - sigma diff: %d rules in %s' % (len(found), d))
        paths += found
    if not paths:
        return 0
    chk = subprocess.run([vigilctl, 'check', '--keep-going', '--json'] +
                         paths, capture_output=True, text=True)
    ok, never = set(), set()
    for line in chk.stdout.splitlines():
        j = json.loads(line)
        if j.get('ok'):
            ok.add(j['file'] if 'file' in j else j['path'])
            if any(w['class'] == 'never fires' for w in j.get('warnings', [])):
                never.add(j['file'])
    rules = [Rule(p) for p in paths if p in ok]
    rnd = random.Random(15)
    # each rule meets its own events and a sample of everyone else's
    events, seen, own = [], {}, []
    for r in rules:
        mine = set()
        for e in events_for(r, rnd):
            key = json.dumps(e, sort_keys=True)
            if key not in seen:
                seen[key] = len(events)
                events.append(e)
            mine.add(seen[key])
        own.append(mine)
    sample = set(rnd.sample(range(len(events)), min(len(events), 1500)))
    with tempfile.NamedTemporaryFile('w', suffix='.jsonl', delete=False,
                                     encoding='utf-8') as f:
        for i, e in enumerate(events):
            f.write(to_json(e, i) + '\n')
        evpath = f.name
    try:
        rep = subprocess.run([vigilctl, 'replay', '--events', evpath] + [r.path for r in rules],
                             capture_output=True)
    finally:
        os.unlink(evpath)
    if rep.returncode:
        print('not ok - sigma diff: vigilctl replay failed: %s' %
              rep.stderr.decode(errors='replace').strip())
        return 1
    pairs = {r.id: own[k] | sample for k, r in enumerate(rules)}
    got = set()
    for line in rep.stdout.decode().splitlines():
        j = json.loads(line)
        ns = int(j['@timestamp'].split('.')[1].rstrip('Z'))
        if ns in pairs[j['rule']['id']]:
            got.add((j['rule']['id'], ns))
    want = set()
    per_rule = {}
    npairs = 0
    for r in rules:
        n = 0
        for i in sorted(pairs[r.id]):
            npairs += 1
            if r.matches(events[i]):
                want.add((r.id, i))
                n += 1
        per_rule[r.id] = n
    silent = [r.path for r in rules if not per_rule[r.id]]
    # the compiler's "never fires" warning holds for every rule that fires
    fired = {r.path for r in rules if any(rid == r.id for rid, _ in got)}
    wrong = sorted(fired & never)
    print('%sok - sigma diff: %d rules fire, %d of them warned never to fire' %
          ('not ' if wrong else '', len(fired), len(wrong)))
    for p in wrong:
        print('#   fires, but warned never to fire: %s' % p)
    if wrong:
        return 1
    bad = sorted(want ^ got)
    print('# %d rules, %d events, %d (rule, event) pairs, %d matches' %
          (len(rules), len(events), npairs, len(want)))
    for p in silent:
        print('# no generated event matches %s' % p)
    print('%sok - sigma diff: %d of %d rules match some of their events' %
          ('not ' if silent else '', len(rules) - len(silent), len(rules)))
    if bad or silent:
        for rid, i in bad[:20]:
            r = next(x for x in rules if x.id == rid)
            print('#   %s: %s event %d: %s' % (
                'expected, vigil silent' if (rid, i) in want else
                'vigil alerted, not expected', r.path, i,
                to_json(events[i], i)))
        print('%sok - sigma diff: %d of %d pairs disagree' %
              ('not ' if bad else '', len(bad), npairs))
        return 1
    print('ok - sigma diff: replay agrees on all %d (rule, event) pairs '
          '(%d matches)' % (npairs, len(want)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
