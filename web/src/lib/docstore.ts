// The zone's document store (internal/docstore, under /docstore/v1/ of the
// zone's gateway, same-origin at /zone/<chain id>/gateway/docstore/v1 — see
// vite.config.ts): sign in with an ADR-036 signature of the store's
// single-use challenge (Keplr's signArbitrary, or this app's own signer),
// then read the documents a live consent covers with the session it gives.
// The bytes are hashed here, in the browser, and compared with the hash the
// page asked for before anything shows them.
import type { Zone } from "./api";
import { documentHash } from "./canonical";
import type { Wallet } from "./tx";

export interface Challenge { nonce: string; chain_id: string; gateway: string; expires_at: string; text: string }
export interface Session { token: string; signer: string; party: string; chain_id: string; gateway: string; expires_at: string }

export function storeBase(z: Zone): string {
  return `${globalThis.location?.origin ?? "http://127.0.0.1:5173"}/zone/${z.id}/gateway/docstore/v1`;
}

async function call<T>(z: Zone, method: string, path: string, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${storeBase(z)}/${path}`, { method, headers });
  } catch (e) {
    throw new Error(`${z.id}'s document store did not answer (${(e as Error).message})`);
  }
  const body = (await res.json().catch(() => undefined)) as (T & { error?: string; code?: string }) | undefined;
  if (!res.ok) throw new StoreError(res.status, body?.code ?? "", body?.error ?? `${z.id}'s document store answered ${res.status}`);
  return body as T;
}

export class StoreError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Signs in to a zone's store: asks for a challenge, checks it names this
 * zone (a store of another chain could ask for a signature usable there),
 * signs its text with ADR-036 and exchanges the signature for a session.
 */
export async function signIn(wallet: Wallet, z: Zone): Promise<Session> {
  const ch = await call<Challenge>(z, "POST", "challenge");
  if (ch.chain_id !== z.id || !ch.text.includes(`\nchain_id: ${z.id}\n`) || !ch.text.includes(`\nnonce: ${ch.nonce}\n`)) {
    throw new Error(`the store at ${storeBase(z)} issued a challenge for ${ch.chain_id}, not ${z.id}: not signing it`);
  }
  const sig = await wallet.signArbitrary(z, ch.text);
  const s = await call<Session>(z, "POST", "session", {
    "X-Docstore-Nonce": ch.nonce,
    "X-Docstore-Signer": wallet.address,
    "X-Docstore-Pubkey": sig.pub_key.value,
    "X-Docstore-Signature": sig.signature,
  });
  if (s.signer !== wallet.address || s.chain_id !== z.id) throw new Error(`${z.id}'s store signed in ${s.signer} on ${s.chain_id}, not ${wallet.address} on ${z.id}`);
  return s;
}

export interface Download {
  bytes: Uint8Array;
  /** the hash computed here (RFC 8785 for JSON, raw SHA-256 otherwise) */
  hash: string;
  kind: "json" | "raw";
  accessRecord: bigint;
  accessHeight: bigint;
}

/** Reads a document under a consent and checks its bytes hash to what was asked. */
export async function download(z: Zone, s: Session, hash: string, consentId: string): Promise<Download> {
  let res: Response;
  try {
    res = await fetch(`${storeBase(z)}/documents/${hash}?consent=${encodeURIComponent(consentId)}`, { headers: { Authorization: `Bearer ${s.token}` } });
  } catch (e) {
    throw new Error(`${z.id}'s document store did not answer (${(e as Error).message})`);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string; code?: string };
    throw new StoreError(res.status, body.code ?? "", body.error ?? `answered ${res.status}`);
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const got = documentHash(bytes);
  if (got.hash !== hash) {
    throw new Error(`the bytes ${z.id}'s store sent hash to ${got.hash.slice(0, 16)}…, not ${hash.slice(0, 16)}…: not the document anchored on chain, discarded`);
  }
  const rec = res.headers.get("X-Docstore-Access-Record") ?? "";
  const h = res.headers.get("X-Docstore-Access-Height") ?? "";
  if (!/^\d+$/.test(rec)) throw new Error(`${z.id}'s store released the document without naming its access record`);
  return { bytes, hash: got.hash, kind: got.kind, accessRecord: BigInt(rec), accessHeight: /^\d+$/.test(h) ? BigInt(h) : 0n };
}
