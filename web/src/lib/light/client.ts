// A light client per zone, in the browser: it trusts one header of the zone
// (a trust root: height and hash, shipped with the app or pinned by the
// user), follows the zone's validator sets from there with CometBFT's
// skipping verification (bisecting when the trusted set cannot vouch for a
// new header), and proves records of the zone's cargo store against the app
// hash of a header it verified. It asks the zone's own CometBFT RPC —
// abci_query with prove=true, commit, validators — and believes none of it
// until the signatures and proofs check.
import { LightError, equal, formatTime, fromBase64, fromHex, timeMs, toHex } from "./encoding.js";
import { verifyStoreProof, parseProofOps, type ProofOp } from "./proof.js";
import { CARGO_STORE } from "./keys.js";
import { headerHash, parseSignedHeader, parseValidators, validatorSetHash, type LightBlock, type SignedHeader, type ValidatorSet } from "./types.js";
import { NewValSetCantBeTrusted, verify, verifyCommitLight, type Options, type Tally } from "./verifier.js";

export interface TrustRoot {
  chainId: string;
  height: bigint;
  /** the header hash at height */
  hash: Uint8Array;
  /** how long a verified header may vouch for the next (< the unbonding period) */
  trustingPeriodMs: number;
  /** the oldest a header may be for an answer about now ("who holds it now") */
  maxAgeMs: number;
  /** where the root came from, for the page to say */
  source: string;
}

export const DEFAULT_TRUSTING_PERIOD_MS = 14 * 24 * 3600 * 1000; // 2/3 of the SDK's 21-day unbonding
export const DEFAULT_MAX_AGE_MS = 120_000;
export const MAX_CLOCK_DRIFT_MS = 10_000;

/** One step of the skipping verification, for the page to say what it checked. */
export interface Step {
  from: bigint;
  to: bigint;
  adjacent: boolean;
  trusting?: Tally;
  own: Tally;
}

export interface VerifiedHeader {
  block: LightBlock;
  steps: Step[];
}

/** A record of a module's store (cargo, or tradefinance) proved at a height. */
export interface Proven {
  chainId: string;
  /** the multistore's substore the key is in */
  store: string;
  key: Uint8Array;
  /** the record's bytes, or null: proved absent */
  value: Uint8Array | null;
  /** the state height the proof is for (the app hash is in header height+1) */
  height: bigint;
  header: SignedHeader;
  validators: ValidatorSet;
  /** signatures of the header's own validators */
  own: Tally;
  steps: Step[];
  root: TrustRoot;
  proofOps: ProofOp[];
  /** the raw RPC answers, for a bundle */
  raw: { signedHeader: unknown; validators: unknown[] };
  ms: number;
}

type Fetch = (url: string) => Promise<Response>;

export interface ClientOptions {
  fetch?: Fetch;
  now?: () => number;
  /** a height below which an answer about the present is a rollback (highest seen) */
  floor?: { get(chainId: string): bigint; set(chainId: string, h: bigint): void };
  /** where the newest verified light block is kept between pages (per trust root) */
  store?: {
    load(root: TrustRoot): { signedHeader: unknown; validators: unknown[] } | undefined;
    save(root: TrustRoot, b: { signedHeader: unknown; validators: unknown[] }): void;
    clear(root: TrustRoot): void;
  };
}

export class LightClient {
  private trusted = new Map<bigint, LightBlock>();
  /** the RPC's JSON of each verified validator set, by hash (for bundles and reuse) */
  private rawValidators = new Map<string, unknown[]>();
  private rootChecked?: Promise<void>;
  private latest?: {
    at: number;
    head: Promise<{ sh: SignedHeader; raw: unknown }>;
    p: Promise<VerifiedHeader & { raw: { signedHeader: unknown; validators: unknown[] } }>;
  };
  private readonly fetchFn: Fetch;
  private readonly now: () => number;

  constructor(
    readonly rpc: string,
    readonly root: TrustRoot,
    private readonly opts: ClientOptions = {},
  ) {
    this.fetchFn = opts.fetch ?? ((u) => fetch(u));
    this.now = opts.now ?? (() => Date.now());
  }

  private async call(path: string, params: Record<string, string>): Promise<Record<string, unknown>> {
    const q = new URLSearchParams(params);
    let res: Response;
    try {
      res = await this.fetchFn(`${this.rpc}/${path}${q.size ? "?" + q : ""}`);
    } catch (e) {
      throw new LightError(`${this.root.chainId}'s RPC did not answer (${(e as Error).message})`);
    }
    const body = (await res.json().catch(() => undefined)) as { result?: Record<string, unknown>; error?: { message?: string; data?: string } } | undefined;
    if (!body || body.error || !body.result) {
      throw new LightError(`${this.root.chainId}'s RPC ${path}: ${body?.error?.data ?? body?.error?.message ?? res.statusText ?? "no answer"}`);
    }
    return body.result;
  }

  /** The signed header and validator set at a height (latest when undefined), unverified. */
  async fetchLightBlock(height?: bigint): Promise<{ block: LightBlock; raw: { signedHeader: unknown; validators: unknown[] } }> {
    // At a known height the header and the validators are asked side by side.
    const [c, early] = await Promise.all([this.call("commit", height ? { height: String(height) } : {}), height ? this.fetchValidators(height) : undefined]);
    const signedHeader = c.signed_header;
    const sh = parseSignedHeader(signedHeader);
    const validators = early ?? (await this.fetchValidators(sh.header.height));
    return { block: { signedHeader: sh, validatorSet: parseValidators(validators) }, raw: { signedHeader, validators } };
  }

  private async fetchValidators(height: bigint): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let page = 1; page <= 100; page++) {
      const r = await this.call("validators", { height: String(height), page: String(page), per_page: "100" });
      const vs = r.validators as unknown[];
      if (!Array.isArray(vs)) throw new LightError(`${this.root.chainId}'s RPC sent no validators for height ${height}`);
      out.push(...vs);
      if (out.length >= Number(r.total ?? 0) || vs.length === 0) break;
    }
    return out;
  }

  private options(): Options {
    return { trustingPeriodMs: this.root.trustingPeriodMs, now: this.now(), maxClockDriftMs: MAX_CLOCK_DRIFT_MS };
  }

  /** Fetches the trust root's header and checks it is the one trusted (CometBFT's TrustOptions). */
  checkRoot(): Promise<void> {
    this.rootChecked ??= (async () => {
      // A header this browser verified from the same root before (CometBFT's light store).
      const saved = this.opts.store?.load(this.root);
      if (saved) {
        try {
          const sh = parseSignedHeader(saved.signedHeader);
          this.acceptStored({ signedHeader: sh, validatorSet: parseValidators(saved.validators) });
          this.rawValidators.set(toHex(sh.header.validatorsHash), saved.validators);
          return;
        } catch {
          this.opts.store?.clear(this.root);
        }
      }
      await this.fetchRoot();
    })().catch((e) => {
      this.rootChecked = undefined;
      throw e;
    });
    return this.rootChecked;
  }

  private async fetchRoot() {
    const { block, raw } = await this.fetchLightBlock(this.root.height);
    this.acceptRoot(block);
    this.rawValidators.set(toHex(block.signedHeader.header.validatorsHash), raw.validators);
  }

  /** Accepts the trust root's light block: its hash is the trusted one, its own validators signed it. */
  acceptRoot(block: LightBlock) {
    const h = block.signedHeader.header;
    if (h.chainId !== this.root.chainId || h.height !== this.root.height) {
      throw new LightError(`the trust root is ${this.root.chainId} at height ${this.root.height}, the zone sent ${h.chainId} at ${h.height}`);
    }
    const hh = headerHash(h);
    if (!equal(hh, this.root.hash)) {
      throw new LightError(
        `${this.root.chainId}'s block ${this.root.height} hashes to ${toHex(hh).slice(0, 16)}…, not the trusted ${toHex(this.root.hash).slice(0, 16)}…: this is not the zone you trust`,
      );
    }
    if (!equal(h.validatorsHash, validatorSetHash(block.validatorSet))) throw new LightError("the trust root's validator set is not the one its header names");
    if (!equal(block.signedHeader.commit.blockId.hash, hh)) throw new LightError("the trust root's commit is for another block");
    verifyCommitLight(h.chainId, block.validatorSet, block.signedHeader);
    const exp = timeMs(h.time) + this.root.trustingPeriodMs;
    if (exp <= this.now()) {
      throw new LightError(`the trust root (block ${h.height} of ${formatTime(h.time)}) is older than the trusting period: pin a newer one`);
    }
    this.trusted.set(h.height, block);
  }

  /** A light block this browser verified before, kept in its storage: trusted while within the trusting period. */
  private acceptStored(block: LightBlock) {
    const h = block.signedHeader.header;
    if (h.chainId !== this.root.chainId || h.height <= this.root.height) throw new LightError("the stored header is not of this zone's chain");
    if (!equal(h.validatorsHash, validatorSetHash(block.validatorSet)) || !equal(block.signedHeader.commit.blockId.hash, headerHash(h))) {
      throw new LightError("the stored header is inconsistent");
    }
    if (timeMs(h.time) + this.root.trustingPeriodMs <= this.now()) throw new LightError("the stored header is older than the trusting period");
    this.trusted.set(h.height, block);
  }

  /** Verifies a light block from the newest trusted one below it, bisecting as CometBFT's light client does. */
  async verifyLightBlock(target: LightBlock, fetchPivot: (h: bigint) => Promise<LightBlock> = async (h) => (await this.fetchLightBlock(h)).block): Promise<Step[]> {
    await this.checkRoot();
    const steps: Step[] = [];
    const th = target.signedHeader.header.height;
    const have = this.trusted.get(th);
    if (have) {
      if (!equal(headerHash(have.signedHeader.header), headerHash(target.signedHeader.header))) {
        throw new LightError(`${this.root.chainId} sent a header for height ${th} other than the one this browser already verified: the zone forked or the answer is forged`);
      }
      return steps;
    }
    let below = [...this.trusted.keys()].filter((h) => h < th).sort((a, b) => (a < b ? 1 : -1));
    if (!below.length && !this.trusted.has(this.root.height) && th > this.root.height) {
      await this.fetchRoot();
      below = [this.root.height];
    }
    if (!below.length) throw new LightError(`height ${th} is below the trust root ${this.root.height}: pin an older root to check it`);
    let trusted = this.trusted.get(below[0])!;
    // verifySkipping: a queue of headers still to verify, the target last.
    const pending: LightBlock[] = [target];
    let cantTrust: LightError | undefined;
    for (let depth = 0; pending.length; depth++) {
      if (depth > 64) throw new LightError("bisection did not converge");
      const next = pending[pending.length - 1];
      const from = trusted.signedHeader.header.height;
      const to = next.signedHeader.header.height;
      try {
        const r = verify(trusted.signedHeader, trusted.validatorSet, next.signedHeader, next.validatorSet, this.options());
        steps.push({ from, to, adjacent: to === from + 1n, ...r });
        this.trusted.set(to, next);
        trusted = next;
        pending.pop();
      } catch (e) {
        if (!(e instanceof NewValSetCantBeTrusted)) {
          // Say first why bisection began: the trusted validators did not sign the target.
          if (cantTrust && e instanceof LightError) throw new LightError(`${cantTrust.message}; bisecting through verified headers, ${e.message}`);
          throw e;
        }
        if (next === target) cantTrust ??= e;
        // The trusted set cannot vouch for `next`: verify a header halfway first.
        const pivot = from + (to - from) / 2n;
        if (pivot === from || pivot === to) throw e;
        pending.push(await fetchPivot(pivot));
      }
    }
    return steps;
  }

  /** The newest signed header, not yet verified; shared by the queries of the same moment. */
  private latestHead(): NonNullable<LightClient["latest"]> {
    const t = this.now();
    if (this.latest && t - this.latest.at < 1500) return this.latest;
    this.checkRoot().catch(() => undefined); // side by side with the newest header
    const head = this.call("commit", {}).then((c) => ({ sh: parseSignedHeader(c.signed_header), raw: c.signed_header }));
    const p = head.then(async ({ sh, raw }) => {
      // A set already verified whose hash the new header names is that header's set: no need to fetch it.
      const known = [...this.trusted.values()].find((b) => equal(b.signedHeader.header.validatorsHash, sh.header.validatorsHash));
      const validators = known ? this.rawValidators.get(toHex(sh.header.validatorsHash)) : undefined;
      if (!validators) {
        const v = await this.fetchValidators(sh.header.height);
        return this.finishLatest(sh, raw, v);
      }
      return this.finishLatest(sh, raw, validators);
    });
    const entry = { at: t, head, p };
    this.latest = entry;
    p.catch(() => {
      if (this.latest === entry) this.latest = undefined;
    });
    return entry;
  }

  private async finishLatest(sh: SignedHeader, raw: unknown, validators: unknown[]) {
    {
      const block = { signedHeader: sh, validatorSet: parseValidators(validators) };
      const steps = await this.verifyLightBlock(block);
      this.rawValidators.set(toHex(sh.header.validatorsHash), validators);
      this.opts.store?.save(this.root, { signedHeader: raw, validators });
      return { block, steps, raw: { signedHeader: raw, validators } };
    }
  }

  /** The newest header, verified from the trust root. */
  async latestVerified(): Promise<VerifiedHeader & { raw: { signedHeader: unknown; validators: unknown[] } }> {
    return this.latestHead().p;
  }

  /**
   * Proves key in a module's store (the cargo store unless told) at the
   * newest verified state: the value (or its absence) at height N-1 against
   * the app hash of header N.
   */
  async prove(key: Uint8Array, store: string = CARGO_STORE): Promise<Proven> {
    const t0 = performance.now();
    const floor = this.opts.floor?.get(this.root.chainId) ?? 0n;
    // The newest header first; its verification and the query then run side by side.
    const entry = this.latestHead();
    const verified = entry.p;
    verified.catch(() => undefined);
    const { sh } = await entry.head;
    const n = sh.header.height;
    if (n < floor) {
      throw new LightError(
        `the zone's newest header is ${n}, but this browser has already verified height ${floor} of ${this.root.chainId}: an older state is being replayed`,
      );
    }
    const age = this.now() - timeMs(sh.header.time);
    if (age > this.root.maxAgeMs) {
      throw new LightError(
        `the newest header the zone sent is from ${formatTime(sh.header.time)}, ${Math.round(age / 1000)} s ago: an answer that old may be a replay (or the zone has stopped)`,
      );
    }
    const height = n - 1n;
    const [latest, r] = await Promise.all([
      verified,
      this.call("abci_query", { path: JSON.stringify(`/store/${store}/key`), data: "0x" + toHex(key), height: String(height), prove: "true" }),
    ]);
    const resp = (r.response ?? {}) as Record<string, unknown>;
    if (Number(resp.code ?? 0) !== 0) throw new LightError(`${this.root.chainId} refused the query: ${String(resp.log ?? resp.code)}`);
    if (String(resp.height) !== String(height)) {
      throw new LightError(`asked for the state at height ${height}, ${this.root.chainId} answered for height ${String(resp.height)}`);
    }
    if (resp.key !== undefined && resp.key !== null && !equal(fromBase64(resp.key as string), key)) {
      throw new LightError("the answer is for another key than the one asked");
    }
    const raw = fromBase64((resp.value as string) ?? "", "value");
    const value = raw.length ? raw : null;
    const proofOps = parseProofOps(resp.proofOps ?? resp.proof_ops);
    verifyStoreProof(proofOps, store, key, value, sh.header.appHash);
    this.opts.floor?.set(this.root.chainId, n);
    return {
      chainId: this.root.chainId,
      store,
      key,
      value,
      height,
      header: sh,
      validators: latest.block.validatorSet,
      own: latest.steps.at(-1)?.own ?? verifyCommitLight(sh.header.chainId, latest.block.validatorSet, sh),
      steps: latest.steps,
      root: this.root,
      proofOps,
      raw: latest.raw,
      ms: performance.now() - t0,
    };
  }
}

/** Parses a trust root as trust-roots.json or a bundle carries it. */
export function parseTrustRoot(chainId: string, v: Record<string, unknown>, source: string): TrustRoot {
  const height = BigInt(String(v.height ?? ""));
  if (height <= 0n) throw new LightError(`the trust root of ${chainId} has no height`);
  const hash = fromHex(String(v.hash ?? ""), "trust root hash");
  if (hash.length !== 32) throw new LightError(`the trust root of ${chainId} has no 32-byte header hash`);
  const period = v.trusting_period_s !== undefined ? Number(v.trusting_period_s) * 1000 : DEFAULT_TRUSTING_PERIOD_MS;
  const maxAge = v.max_age_s !== undefined ? Number(v.max_age_s) * 1000 : DEFAULT_MAX_AGE_MS;
  if (!(period > 0) || !(maxAge > 0)) throw new LightError(`the trust root of ${chainId} has a bad trusting period or max age`);
  return { chainId, height, hash, trustingPeriodMs: period, maxAgeMs: maxAge, source };
}
