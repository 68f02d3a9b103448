// The browser's verifier on real answers of a tradechain node
// (fixtures/localnet_proofs.json: CometBFT v0.38 headers and commits, SDK
// v0.50 IAVL/multistore ICS-23 proofs, captured from make localnet): the
// header hashes to the block the commit signs, the validators' signatures
// check over the canonical vote bytes, the skip from the trust root holds,
// and the proofs lead from the computed key to the signed app hash — and
// every alteration fails.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Bill } from "../src/gen/tradechain/cargo/v1/types.js";
import { LightClient, type TrustRoot } from "../src/lib/light/client";
import { fromBase64, fromHex, timeMs, toHex } from "../src/lib/light/encoding";
import { billStoreKey, documentStoreKey } from "../src/lib/light/keys";
import { parseProofOps, verifyStoreProof } from "../src/lib/light/proof";
import { headerHash, parseSignedHeader, parseValidators, validatorSetHash } from "../src/lib/light/types";
import { verify, verifyCommitLight } from "../src/lib/light/verifier";

const f = JSON.parse(readFileSync(new URL("./fixtures/localnet_proofs.json", import.meta.url), "utf8"));
const root = { signedHeader: parseSignedHeader(f.trust_root.signed_header), validatorSet: parseValidators(f.trust_root.validator_set) };
const sh = parseSignedHeader(f.signed_header);
const vals = parseValidators(f.validator_set);
const now = timeMs(sh.header.time) + 5_000;
const opts = { trustingPeriodMs: 14 * 24 * 3600_000, now, maxClockDriftMs: 10_000 };

describe("CometBFT's headers and commits, as a node wrote them", () => {
  it("the trust root's header hashes to the block id the node reported", () => {
    expect(toHex(headerHash(root.signedHeader.header))).toBe(f.root_hash);
  });
  it("each header hashes to the block its commit signs, and names its validator set", () => {
    for (const b of [root, { signedHeader: sh, validatorSet: vals }]) {
      expect(toHex(headerHash(b.signedHeader.header))).toBe(toHex(b.signedHeader.commit.blockId.hash));
      expect(toHex(validatorSetHash(b.validatorSet))).toBe(toHex(b.signedHeader.header.validatorsHash));
    }
  });
  it("the validators' ed25519 signatures check over the canonical vote bytes", () => {
    expect(verifyCommitLight(f.chain_id, vals, sh)).toMatchObject({ signed: 1, of: 1 });
  });
  it("the skip from the trust root to the header holds", () => {
    const r = verify(root.signedHeader, root.validatorSet, sh, vals, opts);
    expect(r.trusting).toMatchObject({ signed: 1, of: 1 });
  });
  it("a changed signature timestamp breaks the signature", () => {
    const bad = parseSignedHeader(f.signed_header);
    bad.commit.signatures[0].timestamp = { ...bad.commit.signatures[0].timestamp, nanos: (bad.commit.signatures[0].timestamp.nanos + 1) % 1e9 };
    expect(() => verifyCommitLight(f.chain_id, vals, bad)).toThrow(/wrong signature/);
  });
  it("a header for another chain id is refused", () => {
    expect(() => verifyCommitLight("shanghai-1", vals, sh)).toThrow(/wrong signature/);
  });
});

describe("ICS-23 proofs from abci_query (IAVL, then the multistore)", () => {
  const billKey = billStoreKey(f.bill_id);
  const value = fromBase64(f.bill_query.value);
  const ops = parseProofOps(f.bill_query.proofOps);
  it("the bill's record is proved under the signed app hash, at the key computed here", () => {
    expect(toHex(fromBase64(f.bill_query.key))).toBe(toHex(billKey));
    verifyStoreProof(ops, "cargo", billKey, value, sh.header.appHash);
    expect(Bill.decode(value).id).toBe(f.bill_id);
    expect(BigInt(f.bill_query.height) + 1n).toBe(sh.header.height);
  });
  it("a changed holder does not prove", () => {
    const b = Bill.decode(value);
    const other = Bill.encode({ ...b, holder: b.shipper === b.holder ? "trade1changed" : b.shipper }).finish();
    expect(() => verifyStoreProof(ops, "cargo", billKey, other, sh.header.appHash)).toThrow(/IAVL proof does not hold/);
  });
  it("another app hash does not prove", () => {
    expect(() => verifyStoreProof(ops, "cargo", billKey, value, root.signedHeader.header.appHash)).toThrow(/app hash/);
  });
  it("the proof of one key does not prove another", () => {
    expect(() => verifyStoreProof(ops, "cargo", billStoreKey(f.bill_id + "X"), value, sh.header.appHash)).toThrow(/not for the key asked/);
  });
  it("a proof of existence is not a proof of absence", () => {
    expect(() => verifyStoreProof(ops, "cargo", billKey, null, sh.header.appHash)).toThrow(/not a proof of absence/);
  });
  it("an absent document is proved absent", () => {
    const key = documentStoreKey(f.absent_document_hash);
    const aops = parseProofOps(f.absent_query.proofOps);
    verifyStoreProof(aops, "cargo", key, null, sh.header.appHash);
    expect(() => verifyStoreProof(aops, "cargo", key, value, sh.header.appHash)).toThrow(/not a proof of existence/);
  });
});

describe("the light client on these answers", () => {
  const trust: TrustRoot = { chainId: f.chain_id, height: 1n, hash: fromHex(f.root_hash), trustingPeriodMs: opts.trustingPeriodMs, maxAgeMs: 60_000, source: "fixture" };
  const rpc = (bill: unknown) => async (url: string) => {
    const u = new URL(url);
    const h = u.searchParams.get("height");
    const p = u.pathname;
    const result =
      p.endsWith("/commit") ? { signed_header: h === "1" ? f.trust_root.signed_header : f.signed_header }
      : p.endsWith("/validators") ? (h === "1" ? f.trust_root.validator_set : f.validator_set)
      : { response: bill };
    return new Response(JSON.stringify({ result }));
  };
  it("proves the bill and says what it checked", async () => {
    const c = new LightClient("http://zone", trust, { fetch: rpc(f.bill_query), now: () => now });
    const p = await c.prove(billStoreKey(f.bill_id));
    expect(p.height).toBe(BigInt(f.bill_query.height));
    expect(p.own).toMatchObject({ signed: 1, of: 1 });
    expect(p.steps[0]).toMatchObject({ from: 1n, to: sh.header.height, adjacent: false });
  });
  it("refuses an answer for another height than the one asked", async () => {
    const c = new LightClient("http://zone", trust, { fetch: rpc({ ...f.bill_query, height: "5" }), now: () => now });
    await expect(c.prove(billStoreKey(f.bill_id))).rejects.toThrow(/answered for height 5/);
  });
  it("refuses a rollback below the height this browser already verified", async () => {
    const floor = { get: () => sh.header.height + 10n, set: () => undefined };
    const c = new LightClient("http://zone", trust, { fetch: rpc(f.bill_query), now: () => now, floor });
    await expect(c.prove(billStoreKey(f.bill_id))).rejects.toThrow(/older state is being replayed/);
  });
});
