// RFC 8785 (JCS) canonical JSON and the document hash the chain binds,
// exactly as x/cargo/dcsa.Canonicalize and `tradechaind q cargo
// verify-document` compute them: SHA-256 of the canonical form for JSON
// documents, of the raw bytes for anything else. The input rules are the
// Go side's: valid UTF-8, I-JSON (no duplicate member names, no lone UTF-16
// surrogates), numbers representable as IEEE-754 doubles, at most 64 levels.
import { sha256 } from "@cosmjs/crypto";
import { toHex } from "@cosmjs/encoding";

export const MAX_DOCUMENT_SIZE = 4 << 20;
const MAX_DEPTH = 64;

export class CanonicalError extends Error {}

type Json = null | boolean | string | JsonNumber | Json[] | JsonObject;
interface JsonObject { members: [string, Json][] }
interface JsonNumber { literal: string }

// A strict recursive-descent parser that keeps number literals and member
// order, so duplicates and out-of-range numbers are seen, not silently merged.
class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseDocument(): Json {
    this.ws();
    const v = this.value(0);
    this.ws();
    if (this.i !== this.s.length) throw new CanonicalError("invalid JSON: trailing data after the document");
    return v;
  }

  private fail(what: string): never {
    throw new CanonicalError(`invalid JSON: ${what} at character ${this.i}`);
  }
  private ws() {
    while (this.i < this.s.length && " \t\n\r".includes(this.s[this.i])) this.i++;
  }
  private value(depth: number): Json {
    if (depth > MAX_DEPTH) throw new CanonicalError(`document nests deeper than ${MAX_DEPTH} levels`);
    const c = this.s[this.i];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return this.string();
    if (c === "-" || (c >= "0" && c <= "9")) return this.number();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (this.s.startsWith(word, this.i)) { this.i += word.length; return v; }
    }
    return this.fail(c === undefined ? "unexpected end" : `unexpected ${JSON.stringify(c)}`);
  }
  private object(depth: number): JsonObject {
    this.i++;
    const members: [string, Json][] = [];
    const seen = new Set<string>();
    this.ws();
    if (this.s[this.i] === "}") { this.i++; return { members }; }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail("expected a member name");
      const key = this.string();
      if (seen.has(key)) throw new CanonicalError(`invalid JSON: member ${JSON.stringify(key)} appears twice in one object`);
      seen.add(key);
      this.ws();
      if (this.s[this.i] !== ":") this.fail("expected ':'");
      this.i++;
      this.ws();
      members.push([key, this.value(depth + 1)]);
      this.ws();
      if (this.s[this.i] === ",") { this.i++; continue; }
      if (this.s[this.i] === "}") { this.i++; return { members }; }
      this.fail("expected ',' or '}'");
    }
  }
  private array(depth: number): Json[] {
    this.i++;
    const out: Json[] = [];
    this.ws();
    if (this.s[this.i] === "]") { this.i++; return out; }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      if (this.s[this.i] === ",") { this.i++; continue; }
      if (this.s[this.i] === "]") { this.i++; return out; }
      this.fail("expected ',' or ']'");
    }
  }
  private string(): string {
    const start = this.i;
    this.i++;
    let out = "";
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.fail("unterminated string");
      if (c === '"') { this.i++; break; }
      if (c < " ") this.fail("control character in a string");
      if (c !== "\\") { out += c; this.i++; continue; }
      const e = this.s[this.i + 1];
      const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
      if (e in simple) { out += simple[e]; this.i += 2; continue; }
      if (e !== "u") this.fail("invalid escape");
      const hex = this.s.slice(this.i + 2, this.i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("invalid \\u escape");
      out += String.fromCharCode(parseInt(hex, 16));
      this.i += 6;
    }
    // I-JSON (RFC 7493 §2.1): a surrogate only as half of a high-low pair.
    for (let k = 0; k < out.length; k++) {
      const u = out.charCodeAt(k);
      if (u >= 0xd800 && u <= 0xdbff && k + 1 < out.length) {
        const lo = out.charCodeAt(k + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) { k++; continue; }
      }
      if (u >= 0xd800 && u <= 0xdfff) {
        throw new CanonicalError(`invalid JSON: the string at character ${start} holds a lone UTF-16 surrogate \\u${u.toString(16).toUpperCase()} (I-JSON, RFC 7493, forbids it)`);
      }
    }
    return out;
  }
  private number(): JsonNumber {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.s.slice(this.i));
    if (!m) this.fail("invalid number");
    this.i += m[0].length;
    return { literal: m[0] };
  }
}

function write(v: Json): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "string") return JSON.stringify(v); // RFC 8785 §3.2.2.2 is ECMAScript's own escaping
  if (Array.isArray(v)) return "[" + v.map(write).join(",") + "]";
  if ("literal" in v) {
    const n = Number(v.literal);
    if (!Number.isFinite(n)) throw new CanonicalError(`number ${v.literal} is not representable as an IEEE-754 double`);
    return String(n); // ECMAScript Number.prototype.toString (−0 prints as 0)
  }
  // Member names sorted by their UTF-16 code units: JavaScript's own string order.
  const sorted = [...v.members].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return "{" + sorted.map(([k, x]) => JSON.stringify(k) + ":" + write(x)).join(",") + "}";
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The RFC 8785 canonical form of a JSON text, as UTF-8 bytes. */
export function canonicalize(bytes: Uint8Array): Uint8Array {
  if (bytes.length > MAX_DOCUMENT_SIZE) {
    throw new CanonicalError(`document is ${bytes.length} bytes; the limit is ${MAX_DOCUMENT_SIZE}`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new CanonicalError("document is not valid UTF-8");
  }
  return new TextEncoder().encode(write(new Parser(text).parseDocument()));
}

export interface DocumentHash {
  hash: string;
  /** json: hashed in its RFC 8785 canonical form; raw: hashed as it is. */
  kind: "json" | "raw";
}

/** The hash the chain binds a document by (cli.DocumentHash). */
export function documentHash(bytes: Uint8Array): DocumentHash {
  let i = 0;
  while (i < bytes.length && [0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c].includes(bytes[i])) i++;
  if (bytes[i] === 0x7b || bytes[i] === 0x5b) {
    return { hash: toHex(sha256(canonicalize(bytes))), kind: "json" };
  }
  return { hash: toHex(sha256(bytes)), kind: "raw" };
}
