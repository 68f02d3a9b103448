// Byte helpers for the light client: hex and base64 as CometBFT's JSON
// writes them, RFC 3339 times with nanoseconds (a JS Date keeps only
// milliseconds, and the signed bytes carry nanoseconds), and the few
// protobuf encodings CometBFT hashes and signs.
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";

export class LightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LightError";
  }
}

export function sha256(b: Uint8Array): Uint8Array {
  return nobleSha256(b);
}

export function fromHex(s: string, what = "hex"): Uint8Array {
  if (typeof s !== "string" || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new LightError(`${what} is not hex: ${String(s).slice(0, 80)}`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s.toUpperCase();
}

export function fromBase64(s: string | null | undefined, what = "base64"): Uint8Array {
  if (s === null || s === undefined || s === "") return new Uint8Array(0);
  if (typeof s !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new LightError(`${what} is not base64`);
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toBase64(b: Uint8Array): string {
  let bin = "";
  for (const x of b) bin += String.fromCharCode(x);
  return btoa(bin);
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A protobuf Timestamp: seconds since the epoch and nanoseconds. */
export interface Time {
  seconds: bigint;
  nanos: number;
}

/** Parses an RFC 3339 time as Go's time.Time JSON writes it (UTC, up to 9 fraction digits). */
export function parseTime(s: string, what = "time"): Time {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(String(s));
  if (!m) throw new LightError(`${what} is not an RFC 3339 time: ${String(s).slice(0, 40)}`);
  const [, y, mo, d, h, mi, se, frac, zone] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +se);
  if (zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    ms -= sign * (parseInt(zone.slice(1, 3), 10) * 60 + parseInt(zone.slice(4, 6), 10)) * 60_000;
  }
  return { seconds: BigInt(ms / 1000), nanos: frac ? parseInt(frac.padEnd(9, "0"), 10) : 0 };
}

/** Milliseconds since the epoch (for comparisons with the clock). */
export function timeMs(t: Time): number {
  return Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6);
}

export function timeAfter(a: Time, b: Time): boolean {
  return a.seconds > b.seconds || (a.seconds === b.seconds && a.nanos > b.nanos);
}

export function formatTime(t: Time): string {
  return new Date(timeMs(t)).toISOString();
}

/** Encodes a protobuf message with a BinaryWriter; proto3 zero values are left out by the callers. */
export function message(f: (w: BinaryWriter) => void): Uint8Array {
  const w = new BinaryWriter();
  f(w);
  return w.finish();
}

export function writeBytes(w: BinaryWriter, field: number, b: Uint8Array | undefined) {
  if (b && b.length) w.tag(field, WireType.LengthDelimited).bytes(b);
}

export function writeString(w: BinaryWriter, field: number, s: string) {
  if (s) w.tag(field, WireType.LengthDelimited).string(s);
}

/** An embedded message, written even when empty (gogoproto non-nullable). */
export function writeMessage(w: BinaryWriter, field: number, b: Uint8Array) {
  w.tag(field, WireType.LengthDelimited).bytes(b);
}

export function timestampBytes(t: Time): Uint8Array {
  return message((w) => {
    if (t.seconds !== 0n) w.tag(1, WireType.Varint).int64(t.seconds);
    if (t.nanos !== 0) w.tag(2, WireType.Varint).int32(t.nanos);
  });
}

/** A uvarint length prefix, as protoio.MarshalDelimited writes. */
export function delimited(b: Uint8Array): Uint8Array {
  const w = new BinaryWriter();
  w.uint32(b.length);
  return concat(w.finish(), b);
}

export { WireType };
