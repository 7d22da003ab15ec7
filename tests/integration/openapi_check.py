#!/usr/bin/python3
"""openapi_check.py — a small validator for the OpenAPI 3.0 schemas that
/api/v1/openapi.json uses (stdlib only: $ref, nullable, oneOf, type,
properties, required, additionalProperties, items, min/maxItems, enum,
maxLength, minimum/maximum, format date).

  openapi_check.py SPEC.json routes ROUTES.txt
      every API route of `salesplan serve --list-routes` is described, with
      a real request body (routes that take one) and a real answer (not a
      bare object), and every example validates against its schema
  openapi_check.py SPEC.json answer METHOD PATTERN STATUS BODY.json
      a real answer validates against what the description says of it

Prints one line per problem; exits 1 when there is any.
"""
import json
import re
import sys

DATE = re.compile(r'^\d{4}-\d\d-\d\d$')


def resolve(spec, s):
    while isinstance(s, dict) and '$ref' in s:
        ref = s['$ref']
        if not ref.startswith('#/'):
            raise ValueError('external $ref ' + ref)
        node = spec
        for part in ref[2:].split('/'):
            node = node[part]
        s = node
    return s


def type_ok(t, v):
    if t == 'object':
        return isinstance(v, dict)
    if t == 'array':
        return isinstance(v, list)
    if t == 'string':
        return isinstance(v, str)
    if t == 'boolean':
        return isinstance(v, bool)
    if t == 'integer':
        return isinstance(v, int) and not isinstance(v, bool)
    if t == 'number':
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    raise ValueError('unknown type ' + repr(t))


def validate(spec, s, v, path='$'):
    """The problems of value v against schema s, as a list of texts."""
    s = resolve(spec, s)
    if v is None:
        return [] if s.get('nullable') else ['%s: null where the schema does not allow it' % path]
    errs = []
    if 'oneOf' in s:
        n = sum(1 for alt in s['oneOf'] if not validate(spec, alt, v, path))
        if n != 1:
            errs.append('%s: matches %d of the oneOf alternatives, not 1' % (path, n))
    t = s.get('type')
    if t and not type_ok(t, v):
        return errs + ['%s: %r is not of type %s' % (path, v if len(repr(v)) < 60 else type(v).__name__, t)]
    if 'enum' in s and v not in s['enum']:
        errs.append('%s: %r is not one of %r' % (path, v, s['enum']))
    if isinstance(v, str):
        if 'maxLength' in s and len(v) > s['maxLength']:
            errs.append('%s: longer than %d' % (path, s['maxLength']))
        if s.get('format') == 'date' and not DATE.match(v):
            errs.append('%s: %r is not a date' % (path, v))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if 'minimum' in s and v < s['minimum']:
            errs.append('%s: %r below %r' % (path, v, s['minimum']))
        if 'maximum' in s and v > s['maximum']:
            errs.append('%s: %r above %r' % (path, v, s['maximum']))
    if isinstance(v, dict):
        props = s.get('properties', {})
        for k in s.get('required', []):
            if k not in v:
                errs.append('%s: required member %r missing' % (path, k))
        extra = s.get('additionalProperties', True)
        for k, x in v.items():
            if k in props:
                errs += validate(spec, props[k], x, '%s.%s' % (path, k))
            elif extra is False:
                errs.append('%s: member %r not in the schema' % (path, k))
            elif isinstance(extra, dict):
                errs += validate(spec, extra, x, '%s.%s' % (path, k))
    if isinstance(v, list):
        if 'minItems' in s and len(v) < s['minItems']:
            errs.append('%s: fewer than %d items' % (path, s['minItems']))
        if 'maxItems' in s and len(v) > s['maxItems']:
            errs.append('%s: more than %d items' % (path, s['maxItems']))
        if 'items' in s:
            for i, x in enumerate(v):
                errs += validate(spec, s['items'], x, '%s[%d]' % (path, i))
    return errs


def bare(spec, s):
    """A schema that says nothing: an object without members, $ref or oneOf."""
    s = resolve(spec, s)
    return 'oneOf' not in s and not s.get('properties') and s.get('type') in (None, 'object') \
        and not isinstance(s.get('additionalProperties'), dict)


def check_routes(spec, routes_file):
    problems = []
    routes = []
    for line in open(routes_file, encoding='utf-8'):
        method, pattern, kind, roles, writes = line.rstrip('\n').split('\t')
        if kind == 'api':
            routes.append((method.lower(), pattern))
    paths = spec.get('paths', {})
    for method, pattern in routes:
        op = paths.get(pattern, {}).get(method)
        if op is None:
            problems.append('%s %s: not in openapi.json' % (method.upper(), pattern))
            continue
        if op.get('x-undocumented'):
            problems.append('%s %s: no request/answer description (src/web/api_doc.c)' % (method.upper(), pattern))
            continue
        ok = [c for c in op['responses'] if c.startswith('2')]
        if len(ok) != 1:
            problems.append('%s %s: %d success answers' % (method.upper(), pattern, len(ok)))
            continue
        resp = op['responses'][ok[0]]
        media = resp.get('content', {}).get('application/json')
        if ok[0] != '204':
            if not media or bare(spec, media['schema']):
                problems.append('%s %s: the answer is not described' % (method.upper(), pattern))
            elif 'example' not in media:
                problems.append('%s %s: no example answer' % (method.upper(), pattern))
            else:
                for e in validate(spec, media['schema'], media['example']):
                    problems.append('%s %s: example answer: %s' % (method.upper(), pattern, e))
        body = op.get('requestBody', {}).get('content', {}).get('application/json')
        if body:
            if bare(spec, body['schema']):
                problems.append('%s %s: the request body is not described' % (method.upper(), pattern))
            elif 'example' not in body:
                problems.append('%s %s: no example request' % (method.upper(), pattern))
            else:
                for e in validate(spec, body['schema'], body['example']):
                    problems.append('%s %s: example request: %s' % (method.upper(), pattern, e))
        elif method in ('patch', 'put') or (method == 'post' and not pattern.endswith('/logout')):
            problems.append('%s %s: takes a body that is not described' % (method.upper(), pattern))
    # the problem schema describes the errors
    prob = spec['components']['schemas'].get('Problem', {})
    if 'errors' not in prob.get('properties', {}):
        problems.append('Problem: no errors member')
    return problems


def check_answer(spec, method, pattern, status, body_file):
    op = spec['paths'][pattern][method.lower()]
    data = open(body_file, 'rb').read()
    try:
        v = json.loads(data)
    except ValueError as e:
        return ['%s %s: the answer is not JSON: %s' % (method, pattern, e)]
    r = op['responses'].get(status) or op['responses'].get('default')
    if r is None:
        return ['%s %s: status %s is not described' % (method, pattern, status)]
    content = r.get('content', {})
    media = content.get('application/json') or content.get('application/problem+json')
    if not media:
        return ['%s %s: status %s has no body in the description' % (method, pattern, status)]
    return ['%s %s (%s): %s' % (method, pattern, status, e) for e in validate(spec, media['schema'], v)]


def main():
    spec = json.load(open(sys.argv[1], encoding='utf-8'))
    if sys.argv[2] == 'routes':
        problems = check_routes(spec, sys.argv[3])
    elif sys.argv[2] == 'answer':
        problems = check_answer(spec, sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6])
    else:
        raise SystemExit(__doc__)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
