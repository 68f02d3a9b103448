// CometBFT's light-client rules in the browser's verifier (light/verifier.go,
// types/validation.go): adjacent and skipping verification, the 1/3 and 2/3
// thresholds, the trusting period, the clock drift, signatures, and the
// client's bisection — on chains signed here with ed25519 keys. The bytes
// themselves (header hash, vote sign bytes) are checked against CometBFT's
// own output in light-vectors.test.ts.
import { ed25519 } from "@noble/curves/ed25519.js";
import { describe, expect, it } from "vitest";
import { LightClient } from "../src/lib/light/client";
import { sha256, toHex, type Time } from "../src/lib/light/encoding";
import { FLAG_ABSENT, FLAG_COMMIT, commitVoteSignBytes, headerHash, validatorSetHash, type Commit, type LightBlock, type ValidatorSet } from "../src/lib/light/types";
import { NewValSetCantBeTrusted, OldHeaderExpired, verify, verifyAdjacent, verifyNonAdjacent } from "../src/lib/light/verifier";

const CHAIN = "hongkong-1";
const key = (n: number) => sha256(new TextEncoder().encode(`validator ${n}`));
const HOUR = 3600_000;
const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);
const at = (ms: number): Time => ({ seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });

function valSet(ids: number[], power = 10n): ValidatorSet & { privs: Uint8Array[] } {
  const privs = ids.map(key);
  return {
    privs,
    validators: privs.map((p) => {
      const pubKey = ed25519.getPublicKey(p);
      return { pubKey, address: sha256(pubKey).slice(0, 20), power };
    }),
  };
}

/** A light block at height h signed by `signers` (indices into vals). */
function block(h: number, ms: number, vals: ReturnType<typeof valSet>, next: ValidatorSet, signers = vals.privs.map((_, i) => i)): LightBlock {
  const header = {
    version: { block: 11n, app: 0n },
    chainId: CHAIN,
    height: BigInt(h),
    time: at(ms),
    lastBlockId: { hash: sha256(Uint8Array.of(h - 1)), parts: { total: 1, hash: sha256(Uint8Array.of(h, 1)) } },
    lastCommitHash: sha256(Uint8Array.of(1)),
    dataHash: sha256(new Uint8Array(0)),
    validatorsHash: validatorSetHash(vals),
    nextValidatorsHash: validatorSetHash(next),
    consensusHash: sha256(Uint8Array.of(2)),
    appHash: sha256(Uint8Array.of(h, 3)),
    lastResultsHash: sha256(Uint8Array.of(4)),
    evidenceHash: sha256(new Uint8Array(0)),
    proposerAddress: vals.validators[0].address,
  };
  const blockId = { hash: headerHash(header), parts: { total: 1, hash: sha256(Uint8Array.of(h, 5)) } };
  const commit: Commit = {
    height: BigInt(h),
    round: 0,
    blockId,
    signatures: vals.validators.map((v) => ({ flag: FLAG_ABSENT, validatorAddress: new Uint8Array(0), timestamp: at(ms + 1000), signature: new Uint8Array(0) })),
  };
  for (const i of signers) {
    commit.signatures[i] = { flag: FLAG_COMMIT, validatorAddress: vals.validators[i].address, timestamp: at(ms + 1000), signature: new Uint8Array(64) };
    commit.signatures[i].signature = ed25519.sign(commitVoteSignBytes(CHAIN, commit, i), vals.privs[i]);
  }
  return { signedHeader: { header, commit }, validatorSet: { validators: vals.validators } };
}

const opts = (now = T0 + 2 * HOUR) => ({ trustingPeriodMs: 14 * 24 * HOUR, now, maxClockDriftMs: 10_000 });

describe("adjacent verification", () => {
  const A = valSet([1, 2, 3, 4]);
  const b1 = block(1, T0, A, A);
  it("accepts the next header signed by the validators the trusted header named", () => {
    const r = verifyAdjacent(b1.signedHeader, block(2, T0 + 1000, A, A).signedHeader, A, opts());
    expect(r.own).toMatchObject({ signed: 4, of: 4, power: 40n, total: 40n });
  });
  it("refuses a next header whose validators are not the trusted header's next validators", () => {
    const B = valSet([5, 6, 7, 8]);
    expect(() => verifyAdjacent(b1.signedHeader, block(2, T0 + 1000, B, B).signedHeader, B, opts())).toThrow(/not by the next validators/);
  });
  it("needs more than 2/3 of the new set's power: 3 of 4 pass, 2 of 4 do not", () => {
    expect(verifyAdjacent(b1.signedHeader, block(2, T0 + 1000, A, A, [0, 1, 2]).signedHeader, A, opts()).own.signed).toBe(3);
    expect(() => verifyAdjacent(b1.signedHeader, block(2, T0 + 1000, A, A, [0, 1]).signedHeader, A, opts())).toThrow(/20 of 40 voting power signed, more than 26 is needed/);
  });
  it("needs more than 2/3, not exactly 2/3 (2 of 3)", () => {
    const C = valSet([1, 2, 3]);
    const c1 = block(1, T0, C, C);
    expect(() => verifyAdjacent(c1.signedHeader, block(2, T0 + 1000, C, C, [0, 1]).signedHeader, C, opts())).toThrow(/20 of 30/);
  });
});

describe("non-adjacent (skipping) verification", () => {
  const A = valSet([1, 2, 3, 4]);
  const b1 = block(1, T0, A, A);
  it("skips to a later header the trusted set signed", () => {
    const r = verifyNonAdjacent(b1.signedHeader, A, block(100, T0 + 100_000, A, A).signedHeader, A, opts());
    expect(r.trusting).toMatchObject({ signed: 4, of: 4 });
  });
  it("trusts a changed set when more than 1/3 of the trusted power signed: 2 of 4 old validators", () => {
    const B = valSet([1, 2, 5, 6]);
    const r = verifyNonAdjacent(b1.signedHeader, A, block(100, T0 + 100_000, B, B).signedHeader, B, opts());
    expect(r.trusting).toMatchObject({ signed: 2, power: 20n, total: 40n });
  });
  it("refuses when 1/3 or less of the trusted power signed (1 of 4): bisect", () => {
    const B = valSet([1, 5, 6, 7]);
    expect(() => verifyNonAdjacent(b1.signedHeader, A, block(100, T0 + 100_000, B, B).signedHeader, B, opts())).toThrow(NewValSetCantBeTrusted);
  });
  it("refuses a header signed only by a validator set the zone never had", () => {
    const X = valSet([99]);
    expect(() => verifyNonAdjacent(b1.signedHeader, A, block(100, T0 + 100_000, X, X).signedHeader, X, opts())).toThrow(/0 of 40 voting power signed/);
  });
  it("refuses once the trusted header is older than the trusting period", () => {
    expect(() => verifyNonAdjacent(b1.signedHeader, A, block(100, T0 + 100_000, A, A).signedHeader, A, opts(T0 + 15 * 24 * HOUR))).toThrow(OldHeaderExpired);
  });
  it("refuses a header from more than the clock drift in the future", () => {
    expect(() => verify(b1.signedHeader, A, block(100, T0 + 3 * HOUR, A, A).signedHeader, A, opts(T0 + 2 * HOUR))).toThrow(/from the future/);
  });
  it("refuses a header not later than the trusted one", () => {
    expect(() => verify(block(50, T0 + 50_000, A, A).signedHeader, A, block(40, T0 + 60_000, A, A).signedHeader, A, opts())).toThrow(/greater than the trusted/);
  });
  it("refuses a validator set other than the one the header names", () => {
    const B = valSet([1, 2, 3, 5]);
    expect(() => verify(b1.signedHeader, A, block(100, T0 + 100_000, A, A).signedHeader, B, opts())).toThrow(/names validators .* hashes to/);
  });
  it("refuses a header changed after it was signed (the commit is for another block)", () => {
    const b = block(100, T0 + 100_000, A, A);
    b.signedHeader.header.appHash = sha256(Uint8Array.of(9));
    expect(() => verify(b1.signedHeader, A, b.signedHeader, A, opts())).toThrow(/the header was changed/);
  });
  it("refuses a wrong signature", () => {
    const b = block(100, T0 + 100_000, A, A);
    b.signedHeader.commit.signatures[2].signature = ed25519.sign(Uint8Array.of(1), A.privs[2]);
    expect(() => verify(b1.signedHeader, A, b.signedHeader, A, opts())).toThrow(/wrong signature/);
  });
  it("refuses a commit where one trusted validator's signature appears twice", () => {
    const b = block(100, T0 + 100_000, A, A);
    b.signedHeader.commit.signatures[1] = { ...b.signedHeader.commit.signatures[0] };
    expect(() => verify(b1.signedHeader, A, b.signedHeader, A, opts())).toThrow(/double vote/);
  });
});

describe("the light client", () => {
  // Sets rotating one validator in four every 100 blocks: block 1's set cannot vouch for block 400.
  const sets = [valSet([1, 2, 3, 4]), valSet([2, 3, 4, 5]), valSet([3, 4, 5, 6]), valSet([4, 5, 6, 7]), valSet([5, 6, 7, 8])];
  const setAt = (h: number) => sets[Math.floor(h / 100)];
  const chain = (h: number) => block(h, T0 + h * 1000, setAt(h), setAt(h + 1));
  const rpc = (fetched: number[]) => async (url: string) => {
    const u = new URL(url);
    const h = Number(u.searchParams.get("height") ?? 400);
    fetched.push(h);
    const b = chain(h);
    const hex = (x: Uint8Array) => toHex(x);
    const sh = b.signedHeader;
    const json =
      u.pathname.endsWith("/commit")
        ? {
            signed_header: {
              header: {
                version: { block: "11" }, chain_id: CHAIN, height: String(h), time: new Date(T0 + h * 1000).toISOString(),
                last_block_id: { hash: hex(sh.header.lastBlockId.hash), parts: { total: 1, hash: hex(sh.header.lastBlockId.parts.hash) } },
                last_commit_hash: hex(sh.header.lastCommitHash), data_hash: hex(sh.header.dataHash), validators_hash: hex(sh.header.validatorsHash),
                next_validators_hash: hex(sh.header.nextValidatorsHash), consensus_hash: hex(sh.header.consensusHash), app_hash: hex(sh.header.appHash),
                last_results_hash: hex(sh.header.lastResultsHash), evidence_hash: hex(sh.header.evidenceHash), proposer_address: hex(sh.header.proposerAddress),
              },
              commit: {
                height: String(h), round: 0, block_id: { hash: hex(sh.commit.blockId.hash), parts: { total: 1, hash: hex(sh.commit.blockId.parts.hash) } },
                signatures: sh.commit.signatures.map((s) => ({
                  block_id_flag: s.flag, validator_address: hex(s.validatorAddress), timestamp: new Date(T0 + h * 1000 + 1000).toISOString(), signature: Buffer.from(s.signature).toString("base64"),
                })),
              },
            },
          }
        : {
            block_height: String(h), total: "4",
            validators: b.validatorSet.validators.map((v) => ({ address: hex(v.address), pub_key: { type: "tendermint/PubKeyEd25519", value: Buffer.from(v.pubKey).toString("base64") }, voting_power: "10" })),
          };
    return new Response(JSON.stringify({ result: json }));
  };
  const root = { chainId: CHAIN, height: 1n, hash: headerHash(chain(1).signedHeader.header), trustingPeriodMs: 14 * 24 * HOUR, maxAgeMs: 60_000, source: "test" };

  it("bisects across validator set changes the trusted set cannot vouch for at once", async () => {
    const fetched: number[] = [];
    const c = new LightClient("http://zone", root, { fetch: rpc(fetched), now: () => T0 + 401_000 });
    const v = await c.latestVerified();
    expect(v.block.signedHeader.header.height).toBe(400n);
    expect(v.steps.length).toBeGreaterThan(1);
    for (const s of v.steps) if (!s.adjacent) expect(s.trusting!.power * 3n).toBeGreaterThan(s.trusting!.total);
    expect(v.steps.at(-1)!.to).toBe(400n);
    expect(new Set(fetched).size).toBeGreaterThan(2); // pivots were fetched
  });

  it("refuses a zone whose trust-root block is not the pinned one", async () => {
    const c = new LightClient("http://zone", { ...root, hash: sha256(Uint8Array.of(7)) }, { fetch: rpc([]), now: () => T0 + 401_000 });
    await expect(c.latestVerified()).rejects.toThrow(/not the zone you trust/);
  });

  it("refuses an answer about the present older than the max age", async () => {
    const c = new LightClient("http://zone", root, { fetch: rpc([]), now: () => T0 + 400_000 + 120_000 });
    await expect(c.prove(Uint8Array.of(3, 65))).rejects.toThrow(/s ago: an answer that old may be a replay/);
  });
});
