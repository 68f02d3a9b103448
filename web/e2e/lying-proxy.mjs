// A lying proxy between the web app and one zone (REST and CometBFT RPC):
// what a compromised node or a man in the middle could answer. It forwards
// to the real zone and, per mode, (a) says a forged document is anchored,
// (b) changes a bill's holder, (c) replays genuine answers recorded before a
// transfer — the query alone or the whole answer with its old header — and
// (d) serves a header signed by a validator set that is not the zone's (a
// throwaway ed25519 key), over a state of its own making whose ICS-23 proofs
// are consistent with the forged header's app hash. Used by proofs.test.mjs.
import { createServer } from "node:http";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { ics23, calculateExistenceRoot } from "@confio/ics23";
// The light client's own encoders, compiled for Node by scripts/e2e-proofs.sh:
// the forged header is made exactly as CometBFT would hash and sign it.
import { commitVoteSignBytes, headerHash, parseCommit, parseHeader, validatorSetHash, parseValidators } from "./.build/lib/light/types.js";
import { billStoreKey, documentStoreKey } from "./.build/lib/light/keys.js";

const hex = (b) => Buffer.from(b).toString("hex").toUpperCase();
const b64 = (b) => Buffer.from(b).toString("base64");
const unb64 = (s) => new Uint8Array(Buffer.from(s ?? "", "base64"));

export class LyingProxy {
  /** mode: pass | down | forge-document | change-holder | replay-query | replay-all | foreign-validators */
  mode = "pass";
  record = false;
  recorded = new Map();
  log = [];

  constructor({ rest, rpc, bill, genuineDocHash, holder, otherHolder }) {
    Object.assign(this, { restTarget: rest, rpcTarget: rpc, bill, genuineDocHash, holder, otherHolder });
    this.billKeyHex = "0x" + hex(billStoreKey(bill));
    // The throwaway validator of case (d).
    this.fakePriv = sha256(new TextEncoder().encode("not the zone's validator " + Date.now()));
    this.fakePub = ed25519.getPublicKey(this.fakePriv);
    this.fakeAddr = sha256(this.fakePub).slice(0, 20);
  }

  async start() {
    this.restServer = createServer((q, s) => this.handle("rest", q, s));
    this.rpcServer = createServer((q, s) => this.handle("rpc", q, s));
    await Promise.all([this.restServer, this.rpcServer].map((srv) => new Promise((ok) => srv.listen(0, "127.0.0.1", ok))));
    return { rest: `http://127.0.0.1:${this.restServer.address().port}`, rpc: `http://127.0.0.1:${this.rpcServer.address().port}` };
  }

  async stop() {
    await Promise.all([this.restServer, this.rpcServer].map((srv) => new Promise((ok) => srv.close(ok))));
  }

  async forward(kind, path) {
    const res = await fetch((kind === "rest" ? this.restTarget : this.rpcTarget) + path);
    return { status: res.status, body: await res.text() };
  }

  async handle(kind, req, res) {
    try {
      const out = await this.answer(kind, req.url);
      res.writeHead(out.status, { "content-type": "application/json" });
      res.end(out.body);
    } catch (e) {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: String(e) } }));
    }
  }

  /** The key under which an answer is recorded for a replay. */
  slot(kind, url) {
    const u = new URL(url, "http://x");
    if (kind === "rest") return `rest ${u.pathname}`;
    if (u.pathname === "/commit") return u.searchParams.get("height") ? null : "commit";
    if (u.pathname === "/validators") return `validators ${u.searchParams.get("height")}`;
    if (u.pathname === "/abci_query") return `abci ${u.searchParams.get("data")}`;
    return null;
  }

  async answer(kind, url) {
    const u = new URL(url, "http://x");
    const slot = this.slot(kind, url);
    const mode = this.mode;
    this.log.push(`${mode} ${kind} ${url}`);

    if (mode === "down") return { status: 503, body: JSON.stringify({ error: { message: "the zone is unreachable" } }) };
    if (mode === "replay-all" && slot === "commit") {
      // The genuine header that committed the recorded answer's state: the whole old answer, consistent.
      const old = this.recorded.get(`abci ${this.billKeyHex}`);
      const h = BigInt(JSON.parse(old.body).result.response.height) + 1n;
      return this.forward(kind, `/commit?height=${h}`);
    }
    if ((mode === "replay-all" || mode === "replay-query") && (slot?.startsWith("abci") || slot?.startsWith("rest")) && this.recorded.has(slot)) {
      return this.recorded.get(slot);
    }
    if (mode === "forge-document") {
      if (kind === "rest" && u.pathname.startsWith("/tradechain/cargo/v1/documents/")) {
        const out = await this.forward(kind, url);
        if (out.status === 200) return out;
        const hash = u.pathname.split("/").pop();
        return {
          status: 200,
          body: JSON.stringify({
            document: { hash, doc_type: "transport_document", bill_id: this.bill, anchored_by: this.holder, height: "5", anchored_at: new Date().toISOString(), withdrawn: false, history: [] },
            anchors: [],
          }),
        };
      }
      if (kind === "rpc" && u.pathname === "/abci_query") {
        const out = await this.forward(kind, url);
        const r = JSON.parse(out.body);
        if (r.result?.response?.value) return out;
        // A genuine proof, of another (anchored) document.
        u.searchParams.set("data", "0x" + hex(documentStoreKey(this.genuineDocHash)));
        return this.forward(kind, u.pathname + u.search);
      }
    }
    if (mode === "change-holder") {
      const out = await this.forward(kind, url);
      if (kind === "rest" && u.pathname.startsWith(`/tradechain/cargo/v1/bills/${this.bill}`)) {
        return { ...out, body: out.body.replaceAll(this.holder, this.otherHolder) };
      }
      if (kind === "rpc" && u.pathname === "/abci_query" && u.searchParams.get("data") === this.billKeyHex) {
        const r = JSON.parse(out.body);
        const v = Buffer.from(r.result.response.value, "base64").toString("latin1").replaceAll(this.holder, this.otherHolder);
        r.result.response.value = Buffer.from(v, "latin1").toString("base64");
        return { ...out, body: JSON.stringify(r) };
      }
      return out;
    }
    if (mode === "foreign-validators") return this.foreign(kind, url, u);

    const out = await this.forward(kind, url);
    if (this.record && slot && out.status === 200) this.recorded.set(slot, out);
    return out;
  }

  /** (d): a world of the proxy's own, signed by a validator the zone never had. */
  async foreign(kind, url, u) {
    if (kind === "rest") {
      const out = await this.forward(kind, url);
      return u.pathname.startsWith(`/tradechain/cargo/v1/bills/${this.bill}`) ? { ...out, body: out.body.replaceAll(this.holder, this.otherHolder) } : out;
    }
    if (u.pathname === "/commit" && !u.searchParams.get("height")) return { status: 200, body: JSON.stringify({ jsonrpc: "2.0", id: -1, result: await this.forgedCommit() }) };
    if (u.pathname === "/validators" && this.forged && u.searchParams.get("height") === this.forged.height) {
      return { status: 200, body: JSON.stringify({ jsonrpc: "2.0", id: -1, result: { block_height: this.forged.height, validators: [this.fakeValidator()], count: "1", total: "1" } }) };
    }
    if (u.pathname === "/abci_query" && this.forged && u.searchParams.get("data") === this.billKeyHex) {
      return { status: 200, body: JSON.stringify({ jsonrpc: "2.0", id: -1, result: { response: this.forged.query } }) };
    }
    return this.forward(kind, url);
  }

  fakeValidator() {
    return { address: hex(this.fakeAddr), pub_key: { type: "tendermint/PubKeyEd25519", value: b64(this.fakePub) }, voting_power: "1000", proposer_priority: "0" };
  }

  async forgedCommit() {
    const genuine = JSON.parse((await this.forward("rpc", "/commit")).body).result;
    const height = genuine.signed_header.header.height;
    // The bill as the liar wants it, proved by a one-leaf IAVL tree under a one-store multistore.
    const q = JSON.parse((await this.forward("rpc", `/abci_query?path=%22/store/cargo/key%22&data=${this.billKeyHex}&height=${BigInt(height) - 1n}&prove=true`)).body).result.response;
    const value = new Uint8Array(Buffer.from(Buffer.from(q.value, "base64").toString("latin1").replaceAll(this.holder, this.otherHolder), "latin1"));
    const key = billStoreKey(this.bill);
    const iavl = { key, value, leaf: { hash: ics23.HashOp.SHA256, prehashKey: ics23.HashOp.NO_HASH, prehashValue: ics23.HashOp.SHA256, length: ics23.LengthOp.VAR_PROTO, prefix: Uint8Array.of(0, 2, 2) }, path: [] };
    const storeRoot = calculateExistenceRoot(iavl);
    const multi = { key: new TextEncoder().encode("cargo"), value: storeRoot, leaf: { hash: ics23.HashOp.SHA256, prehashKey: ics23.HashOp.NO_HASH, prehashValue: ics23.HashOp.SHA256, length: ics23.LengthOp.VAR_PROTO, prefix: Uint8Array.of(0) }, path: [] };
    const appHash = calculateExistenceRoot(multi);
    const vals = [this.fakeValidator()];
    const header = {
      ...genuine.signed_header.header,
      app_hash: hex(appHash),
      validators_hash: hex(validatorSetHash(parseValidators(vals))),
      next_validators_hash: hex(validatorSetHash(parseValidators(vals))),
      proposer_address: hex(this.fakeAddr),
    };
    const blockHash = headerHash(parseHeader(header));
    const gc = genuine.signed_header.commit;
    const commit = {
      height,
      round: gc.round,
      block_id: { hash: hex(blockHash), parts: gc.block_id.parts },
      signatures: [{ block_id_flag: 2, validator_address: hex(this.fakeAddr), timestamp: gc.signatures[0].timestamp, signature: "" }],
    };
    const sig = ed25519.sign(commitVoteSignBytes(header.chain_id, parseCommit({ ...commit, signatures: [{ ...commit.signatures[0], signature: b64(new Uint8Array(64)) }] }), 0), this.fakePriv);
    commit.signatures[0].signature = b64(sig);
    const enc = (exist) => b64(ics23.CommitmentProof.encode({ exist }).finish());
    this.forged = {
      height,
      query: {
        code: 0,
        key: b64(key),
        value: b64(value),
        height: String(BigInt(height) - 1n),
        proofOps: { ops: [{ type: "ics23:iavl", key: b64(key), data: enc(iavl) }, { type: "ics23:simple", key: b64(multi.key), data: enc(multi) }] },
      },
    };
    return { signed_header: { header, commit }, canonical: false };
  }
}
