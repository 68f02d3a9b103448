// The browser's light client against CometBFT's own code and the Go
// verifier: fixtures/cometbft_vectors.json (types.VoteSignBytes,
// Commit.VoteSignBytes, Header.Hash, ValidatorSet.Hash, light.Verify) and
// fixtures/proof_bundles.json (real bundles, genuine and the four lies, with
// internal/lightproof.Verify's verdict), both written by the Go test
// TestWebVectors.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { verifyBundle } from "../src/lib/light/bundle";
import { fromBase64, fromHex, parseTime, timeMs, toHex } from "../src/lib/light/encoding";
import { commitVoteSignBytes, headerHash, parseSignedHeader, parseValidators, validatorSetHash, voteSignBytes } from "../src/lib/light/types";
import { NewValSetCantBeTrusted, OldHeaderExpired, verify, verifyCommitLight } from "../src/lib/light/verifier";

const load = (f: string) => JSON.parse(readFileSync(new URL(`./fixtures/${f}`, import.meta.url), "utf8"));
const cmt = load("cometbft_vectors.json");
const bundles = load("proof_bundles.json");
const ms = (ns: string) => Number(BigInt(ns) / 1_000_000n);

describe("types.VoteSignBytes (canonical vote bytes)", () => {
  for (const v of cmt.vote_sign_bytes) {
    it(v.name, () => {
      const bid = v.vote.block_id;
      const bytes = voteSignBytes({
        type: v.vote.type,
        height: BigInt(v.vote.height),
        round: v.vote.round,
        blockId: bid && { hash: fromHex(bid.hash ?? ""), parts: { total: bid.parts?.total ?? 0, hash: fromHex(bid.parts?.hash ?? "") } },
        timestamp: parseTime(v.vote.timestamp),
        chainId: v.chain_id,
      });
      expect(toHex(bytes).toLowerCase()).toBe(v.sign_bytes_hex);
      if (v.signature_base64 && v.pub_key_base64) {
        // and the validator's signature over them checks
        const vals = parseValidators([{ pub_key: { type: "tendermint/PubKeyEd25519", value: v.pub_key_base64 }, voting_power: "1" }]);
        expect(vals.validators[0].pubKey.length).toBe(32);
        expect(fromBase64(v.signature_base64).length).toBe(64);
      }
    });
  }
});

describe("Header.Hash, ValidatorSet.Hash, Commit.VoteSignBytes, VerifyCommitLight", () => {
  for (const c of cmt.commits) {
    it(c.name, () => {
      const sh = parseSignedHeader(c.signed_header);
      const vs = parseValidators(c.validator_set);
      expect(toHex(headerHash(sh.header)).toLowerCase()).toBe(c.header_hash_hex);
      expect(toHex(validatorSetHash(vs)).toLowerCase()).toBe(c.validators_hash_hex);
      c.sign_bytes_hex.forEach((hex: string, i: number) => {
        if (hex) expect(toHex(commitVoteSignBytes(c.chain_id, sh.commit, i)).toLowerCase()).toBe(hex);
      });
      if (c.verify_commit_light_error) expect(() => verifyCommitLight(c.chain_id, vs, sh)).toThrow();
      else expect(verifyCommitLight(c.chain_id, vs, sh).signed).toBeGreaterThan(0);
    });
  }
});

describe("light.Verify cases decided by CometBFT", () => {
  for (const c of cmt.light_cases) {
    it(`${c.name}: ${c.valid ? "valid" : c.error_kind}`, () => {
      const run = () =>
        verify(
          parseSignedHeader(c.trusted.signed_header),
          parseValidators(c.trusted.validator_set),
          parseSignedHeader(c.untrusted.signed_header),
          parseValidators(c.untrusted.validator_set),
          {
            trustingPeriodMs: ms(c.trusting_period_ns),
            now: timeMs(parseTime(c.now)),
            maxClockDriftMs: ms(c.max_clock_drift_ns),
            trustLevel: { numerator: BigInt(c.trust_level[0]), denominator: BigInt(c.trust_level[1]) },
          },
        );
      if (c.valid) {
        expect(run().own.signed).toBeGreaterThan(0);
        return;
      }
      const kinds: Record<string, unknown> = { new_val_set_cant_be_trusted: NewValSetCantBeTrusted, old_header_expired: OldHeaderExpired };
      if (kinds[c.error_kind]) expect(run).toThrow(kinds[c.error_kind] as typeof Error);
      else expect(run).toThrow();
    });
  }
});

describe("proof bundles: the browser agrees with the Go verifier", () => {
  for (const c of bundles.cases) {
    it(`${c.name}: ${c.valid ? "proved" : "refused"}`, () => {
      const root = {
        chainId: c.trust_root.chain_id,
        height: BigInt(c.trust_root.height),
        hash: fromHex(c.trust_root.hash),
        trustingPeriodMs: 14 * 24 * 3600_000,
        maxAgeMs: 60_000,
        source: "test",
      };
      const fresh = { minHeight: c.min_height ? BigInt(c.min_height) : undefined, maxAgeMs: c.max_age_ns ? ms(c.max_age_ns) : undefined };
      const run = () => verifyBundle(c.bundle, root, Date.parse(c.now), fresh);
      if (!c.valid) {
        expect(run).toThrow();
        return;
      }
      const r = run();
      expect(r.present).toBe(c.present);
      if (c.holder) expect(r.summary.holder).toBe(c.holder);
      if (c.status) expect(r.summary.status).toBe(c.status);
    });
  }
  it("a bundle is refused against another trust root", () => {
    const c = bundles.cases.find((x: { valid: boolean }) => x.valid);
    const root = { chainId: c.trust_root.chain_id, height: BigInt(c.trust_root.height), hash: new Uint8Array(32), trustingPeriodMs: 1e12, maxAgeMs: 60_000, source: "test" };
    expect(() => verifyBundle(c.bundle, root, Date.parse(c.now))).toThrow(/not the block this app trusts/);
  });
});
