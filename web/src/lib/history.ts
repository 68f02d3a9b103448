// The bill history hash chain, re-verified in the browser:
// head = sha256(prev_head bytes ‖ protobuf encoding of the entry with head ""),
// the same computation as x/cargo/types.ChainHead. The encoding comes from
// the proto definitions themselves (ts-proto, generated into src/gen).
import { sha256 } from "@cosmjs/crypto";
import { fromHex, toHex } from "@cosmjs/encoding";
import { HistoryEntry } from "../gen/tradechain/cargo/v1/types.js";

export const GENESIS_HEAD = "0".repeat(64);

/** An entry as the REST API returns it (snake_case, RFC 3339 time). */
export type HistoryEntryJSON = Record<string, unknown> & {
  bill_id: string;
  sequence: string;
  action: string;
  head: string;
  prev_head: string;
  chain_id: string;
  time: string;
};

/** RFC 3339 with up to nanosecond precision → protobuf Timestamp (Date would drop the nanoseconds). */
export function parseTimestamp(s: string): { seconds: bigint; nanos: number } {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) throw new Error(`not an RFC 3339 time: ${s}`);
  const ms = Date.parse(m[1] + m[3]);
  if (Number.isNaN(ms)) throw new Error(`not an RFC 3339 time: ${s}`);
  return { seconds: BigInt(ms / 1000), nanos: m[2] ? Number(m[2].padEnd(9, "0")) : 0 };
}

export function toEntry(j: HistoryEntryJSON): HistoryEntry {
  return { ...HistoryEntry.fromJSON(j), time: parseTimestamp(j.time) };
}

/** The head an entry must have, given the head it chains from. */
export function chainHead(prevHead: string, e: HistoryEntry): string {
  const action = HistoryEntry.encode({ ...e, head: "" }).finish();
  const prev = fromHex(prevHead);
  if (prev.length !== 32) throw new Error(`history head is not a hex SHA-256: ${prevHead}`);
  const buf = new Uint8Array(prev.length + action.length);
  buf.set(prev);
  buf.set(action, prev.length);
  return toHex(sha256(buf));
}

export interface CheckedEntry {
  entry: HistoryEntryJSON;
  /** the entry hashes to its head from its prev_head */
  hashes: boolean;
  /** its prev_head is the previous entry's head (or genesis for the first) */
  links: boolean;
}

export interface ChainCheck {
  entries: CheckedEntry[];
  /** every entry hashes and links, from genesis, without gaps */
  ok: boolean;
  /** the head of the last entry */
  head: string;
  problem?: string;
}

/**
 * Merges one bill's history as each zone stores it (a bill that crossed keeps
 * the carried entries on both sides; they are the same bytes) and checks the
 * whole chain from the genesis head.
 */
export function verifyHistory(perZone: HistoryEntryJSON[][]): ChainCheck {
  const bySeq = new Map<string, HistoryEntryJSON>();
  let problem: string | undefined;
  for (const list of perZone) {
    for (const e of list) {
      const seen = bySeq.get(e.sequence);
      if (seen && seen.head !== e.head) {
        problem = `entry ${e.sequence} differs between ${seen.chain_id} and ${e.chain_id}`;
      }
      if (!seen) bySeq.set(e.sequence, e);
    }
  }
  const merged = [...bySeq.values()].sort((a, b) => Number(BigInt(a.sequence) - BigInt(b.sequence)));
  let prev = GENESIS_HEAD;
  let expectSeq = 1n;
  const entries: CheckedEntry[] = merged.map((e) => {
    let hashes = false;
    try {
      hashes = chainHead(e.prev_head, toEntry(e)) === e.head;
    } catch {
      hashes = false;
    }
    const links = e.prev_head === prev && BigInt(e.sequence) === expectSeq;
    if (!hashes && !problem) problem = `entry ${e.sequence} does not hash to its head`;
    if (!links && !problem) problem = `entry ${e.sequence} does not chain to the entry before it`;
    prev = e.head;
    expectSeq = BigInt(e.sequence) + 1n;
    return { entry: e, hashes, links };
  });
  return { entries, ok: !problem && entries.length > 0, head: prev, problem };
}
