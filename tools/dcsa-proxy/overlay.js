#!/usr/bin/env node
// OVERLAY of DCSA's OpenAPI files for the corridor's validating proxy.
//
// DCSA's files are vendored unchanged in third_party/dcsa/. This script reads
// one of them and writes a patched copy (JSON, which Prism reads like YAML)
// to tools/dcsa-proxy/overlay/<CODES>/<name>.json. The patch is exactly this
// and nothing else:
//
//   Every property named `eblPlatform` or `sendToPlatform` whose description
//   says "The value **MUST** be one of:" followed by a list of `CODE` items
//   gets an `enum`: the codes DCSA lists there, plus the corridor's own
//   platform code(s) given in DCSA_EXTRA_PLATFORMS (comma-separated, each
//   1-4 characters without spaces, as DCSA's pattern and maxLength ask).
//
// Why: DCSA's eBL platform list has no code for the corridor, and DCSA states
// the closed list only in prose (the schema itself has just `pattern: ^\S+$`
// and `maxLength: 4`). The overlay makes the proxy enforce DCSA's list as
// written AND accept the corridor's configurable code; an unknown code fails.
// Marked in the output: info.title gets " (tradechain overlay)" and
// info["x-tradechain-overlay"] records the source file and the added codes.
//
// usage: node overlay.js SOURCE.yaml OUT.json   (DCSA_EXTRA_PLATFORMS=TRCH)
'use strict';
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');

const [src, out] = process.argv.slice(2);
if (!src || !out) {
  console.error('usage: overlay.js SOURCE.yaml OUT.json');
  process.exit(2);
}
const extra = (process.env.DCSA_EXTRA_PLATFORMS || '').split(',').map((s) => s.trim()).filter(Boolean);
for (const code of extra) {
  if (!/^\S{1,4}$/.test(code)) {
    console.error(`overlay: platform code ${JSON.stringify(code)} must be 1-4 characters without spaces (DCSA's pattern and maxLength)`);
    process.exit(2);
  }
}
const doc = yaml.safeLoad(fs.readFileSync(src, 'utf8'));
const listed = /The value \*\*MUST\*\* be one of:\s*\n((?:\s*- `[^`]+`.*\n?)+)/;
let patched = 0;
function walk(node) {
  if (Array.isArray(node)) return node.forEach(walk);
  if (!node || typeof node !== 'object') return;
  if (node.properties && typeof node.properties === 'object') {
    for (const name of ['eblPlatform', 'sendToPlatform']) {
      const p = node.properties[name];
      if (!p || typeof p.description !== 'string') continue;
      const m = listed.exec(p.description);
      if (!m) continue;
      const codes = [...m[1].matchAll(/- `([^`]+)`/g)].map((x) => x[1]);
      p.enum = [...new Set([...codes, ...extra])];
      patched++;
    }
  }
  Object.values(node).forEach(walk);
}
walk(doc);
if (patched === 0) {
  console.error(`overlay: no eblPlatform list found in ${src}; DCSA's file changed?`);
  process.exit(1);
}
doc.info.title += ' (tradechain overlay)';
doc.info['x-tradechain-overlay'] = {
  source: path.basename(src),
  patch: 'enum on eblPlatform/sendToPlatform = the codes DCSA lists in their descriptions + added codes',
  addedPlatformCodes: extra,
  patchedProperties: patched,
};
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(doc, null, 1));
console.error(`overlay: ${path.basename(src)} -> ${out}: ${patched} platform properties, added ${extra.join(',') || 'no codes'}`);
