// Verify (no login): drop a file, hash it here as the chain does, look it up
// on both zones, and show the bill it belongs to with its history re-verified.
import { useState } from "preact/hooks";
import { Addr, ErrorBox, Loading, ProofStatus, Short, link } from "../components";
import { get, maybe, ZONES, type DocumentRecord } from "../lib/api";
import { loadBill, type BillAcross } from "../lib/bill";
import { CanonicalError, documentHash, type DocumentHash } from "../lib/canonical";
import { prefetchDocument, proveDocument, trustRoot, warm, type Checked, type ProvenDocument } from "../lib/light";
import { looksLikeBundle, verifyBundle, type BundleResult } from "../lib/light/bundle";
import { BillHistory, BillSummary } from "./bill";
import { TrustRoots } from "./trust";

interface Result {
  file: string;
  size: number;
  digest?: DocumentHash;
  problem?: string;
  /** what each zone that answered proved (or why its proof failed) */
  proofs?: { zone: string; check: Checked<ProvenDocument | null> }[];
  /** anchors proved against the zones' validators */
  anchors?: { zone: string; doc: ProvenDocument; check: Checked<ProvenDocument | null> }[];
  /** zones that did not answer */
  unreachable?: string[];
  bill?: BillAcross | null;
  /** a dropped proof bundle, verified offline */
  bundle?: { ok: true; r: BundleResult } | { ok: false; why: string };
  /** ms the proofs added after the REST answers were in (document, then bill) */
  proofMs?: number;
  /** ms from the file to the result */
  totalMs?: number;
}

/** A proof bundle (docs/trust-model.md), checked here with no network but this app's trust root. */
async function checkBundle(b: Record<string, unknown>): Promise<Result["bundle"]> {
  try {
    const root = await trustRoot(String(b.chain_id ?? ""));
    return { ok: true, r: verifyBundle(b, root, Date.now()) };
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  }
}

async function verify(file: File): Promise<Result> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const r: Result = { file: file.name, size: bytes.length };
  const started = performance.now();
  if (bytes.length < 4_000_000 && bytes[0] === 0x7b) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      parsed = undefined;
    }
    if (looksLikeBundle(parsed)) {
      r.bundle = await checkBundle(parsed);
      return r;
    }
  }
  try {
    r.digest = documentHash(bytes);
  } catch (e) {
    if (e instanceof CanonicalError) {
      r.problem = `This file starts like JSON but is not a JSON document the chain can canonicalise (RFC 8785): ${e.message}. It cannot be an anchored eBL.`;
      return r;
    }
    throw e;
  }
  // Each zone's light client starts verifying the zone's newest header now.
  const hash = r.digest.hash;
  ZONES.forEach((z) => {
    warm(z);
    prefetchDocument(z, hash);
  });
  let restDone = 0;
  const found = await Promise.all(
    ZONES.map(async (z) => {
      let said: { document?: DocumentRecord; anchors?: (DocumentRecord & { withdrawn?: boolean })[] } | undefined;
      try {
        said = await maybe(get<{ document: DocumentRecord; anchors?: (DocumentRecord & { withdrawn?: boolean })[] }>(z, `/tradechain/cargo/v1/documents/${hash}`));
      } catch (e) {
        return { zone: z.id, down: (e as Error).message };
      } finally {
        restDone = Math.max(restDone, performance.now());
      }
      // Believe none of it: prove the record (or its absence) against the zone's validators.
      const check = await proveDocument(z, hash, {
        anchoredBy: said?.document?.hash ? said.document.anchored_by : undefined,
        billId: said?.document?.hash ? said.document.bill_id : undefined,
        anchorers: (said?.anchors ?? []).filter((a) => !a.withdrawn).map((a) => a.anchored_by),
      });
      return { zone: z.id, check };
    }),
  );
  r.unreachable = found.flatMap((f) => ("down" in f && f.down ? [f.zone] : []));
  if (r.unreachable.length === ZONES.length) throw new Error("neither zone answered: nothing can be verified now");
  r.proofs = found.flatMap((f) => (f.check ? [{ zone: f.zone, check: f.check }] : []));
  r.anchors = r.proofs.flatMap(({ zone, check }) => (check.ok && check.value ? [{ zone, doc: check.value, check }] : []));
  const billId = r.anchors.find((a) => a.doc.billId)?.doc.billId;
  r.proofMs = performance.now() - restDone;
  if (billId && !r.proofs.some((p) => !p.check.ok)) {
    r.bill = await loadBill(billId);
    if (r.bill) r.proofMs += r.bill.proofMs;
  }
  r.totalMs = performance.now() - started;
  return r;
}

export function VerifyPage() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | undefined>();
  const [error, setError] = useState("");
  const [over, setOver] = useState(false);
  const take = (f: File | undefined | null) => {
    if (!f) return;
    setBusy(true);
    setError("");
    setResult(undefined);
    verify(f).then(setResult, (e) => setError((e as Error).message)).finally(() => setBusy(false));
  };
  return (
    <div>
      <section class="hero">
        <h1>Verify a trade document</h1>
        <p>
          Check an electronic bill of lading, an invoice or any trade document against the Hong Kong–Shanghai corridor. The file is hashed
          in this browser — it never leaves your computer — and the hash is looked up on both zones, and every answer is checked in this browser against each zone's validator signatures (a light client) before it is shown.
        </p>
        <label
          class={`drop ${over ? "over" : ""}`}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => {
            e.preventDefault();
            setOver(false);
            take(e.dataTransfer?.files[0]);
          }}
        >
          <input type="file" data-testid="verify-file" onChange={(e) => take((e.target as HTMLInputElement).files?.[0])} />
          <strong>Drop a file here</strong> or click to choose one
          <span class="muted small">A DCSA eBL 3.0 JSON is hashed in its RFC 8785 canonical form; any other file as it is.</span>
          <span class="muted small">A proof bundle (.json from <code>tradechaind q cargo prove-bill</code> / <code>prove-document</code>) is checked offline against this app's trust roots.</span>
        </label>
      </section>
      {busy ? <Loading what="the document's record from both zones" /> : null}
      {error ? <ErrorBox>Could not verify: {error}</ErrorBox> : null}
      {result ? <VerifyResult r={result} /> : null}
      <TrustRoots />
    </div>
  );
}

function BundleVerdict({ r, b }: { r: Result; b: NonNullable<Result["bundle"]> }) {
  if (!b.ok) {
    return (
      <div class="verdict bad" data-testid="verdict" data-state="proof-failed">
        <h2>✗ PROOF FAILED — do not rely on this bundle</h2>
        <div class="proof bad" data-testid="proof" data-state="failed" role="alert">
          <strong>✗ proof failed:</strong> {b.why}
        </div>
        <p class="muted small">
          {r.file} · {r.size.toLocaleString("en")} bytes · checked offline in this browser
        </p>
      </div>
    );
  }
  const x = b.r;
  const proved = `proved against ${x.chainId}'s validators at height ${x.height}: ${x.own.signed} of ${x.own.of} signatures`;
  const subject = Object.entries(x.subject).map(([k, v]) => (k === "bill_id" || k === "hash" || k === "consent_id" ? v : `${k.replace(/_/g, " ")} ${v}`)).join(", ");
  const green = x.present && !(x.kind === "document" && x.summary.withdrawn === "true");
  return (
    <div class={`verdict ${green ? "ok" : "bad"}`} data-testid="verdict" data-state={green ? "bundle-proved" : "bundle-absent"}>
      <h2>{green ? `✓ PROOF BUNDLE VERIFIED: ${x.kind.toUpperCase()} RECORD` : `✗ PROVED ABSENT: no ${x.kind} record`}</h2>
      <p>
        {x.kind} {subject} on <strong>{x.chainId}</strong>, as of block {String(x.height + 1n)} ({x.headerTime})
      </p>
      {x.present ? (
        <dl class="grid">
          {Object.entries(x.summary).map(([k, v]) => (
            <div class="field" key={k}>
              <dt>{k.replace(/_/g, " ")}</dt>
              <dd data-testid={`bundle-${k}`}>{v ? <code>{v}</code> : <span class="muted">—</span>}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <div class="proof ok" data-testid="proof" data-state="proved">
        <strong>✓ {proved}</strong>
        <p class="small muted">
          Checked offline: trust root block {String(x.root.height)} ({x.root.source}),{" "}
          {x.steps.map((s) => `${s.from}→${s.to} ${s.adjacent ? "adjacent" : `skipping (${s.trusting!.signed} of ${s.trusting!.of} trusted validators)`}`).join(", ")}; the
          ICS-23 proof of {x.present ? "the record" : "absence"} to the signed app hash. It proves the state at that height, not that nothing changed since.
        </p>
      </div>
    </div>
  );
}

function VerifyResult({ r }: { r: Result }) {
  if (r.bundle) return <BundleVerdict r={r} b={r.bundle} />;
  if (r.problem) {
    return (
      <div class="verdict bad" data-testid="verdict" data-state="invalid">
        <h2>✗ Not verifiable</h2>
        <p>{r.problem}</p>
      </div>
    );
  }
  const d = r.digest!;
  const hashLine = (
    <p class="muted small">
      {r.file} · {r.size.toLocaleString("en")} bytes · SHA-256 {d.kind === "json" ? "of the RFC 8785 canonical JSON" : "of the raw bytes"}:{" "}
      <code data-testid="doc-hash">{d.hash}</code>
    </p>
  );
  const failed = (r.proofs ?? []).flatMap((p) => (p.check.ok ? [] : [{ zone: p.zone, check: p.check }]));
  if (failed.length) {
    return (
      <div class="verdict bad" data-testid="verdict" data-state="proof-failed">
        <h2>✗ PROOF FAILED — do not rely on this answer</h2>
        <p>
          What {failed.map((f) => f.zone).join(" and ")} answered could not be proved against the zone's validators. Someone between you and
          the zone — a proxy, a compromised node — may be answering in its place. Nothing below is confirmed.
        </p>
        {failed.map((f) => (
          <ProofStatus key={f.zone} check={f.check} what={f.zone} />
        ))}
        {hashLine}
      </div>
    );
  }
  const proofLines = (r.proofs ?? []).map((p) => <ProofStatus key={p.zone} check={p.check} what={p.check.ok && p.check.value ? `anchored on ${p.zone}` : `not anchored on ${p.zone}`} />);
  if (!r.anchors?.length && r.unreachable?.length) {
    return (
      <div class="verdict bad" data-testid="verdict" data-state="unknown">
        <h2>? Not found — but {r.unreachable.join(" and ")} did not answer</h2>
        <p>
          This file is not anchored on the zone that answered. {r.unreachable.join(" and ")} could not be asked, so it may be anchored
          there: try again before relying on this answer.
        </p>
        {proofLines}
        {hashLine}
      </div>
    );
  }
  if (!r.anchors?.length) {
    return (
      <div class="verdict bad" data-testid="verdict" data-state="not-anchored">
        <h2>✗ NOT ANCHORED</h2>
        <p>
          This file is not anchored on hongkong-1 or shanghai-1. If it was presented to you as an original eBL or a trade document of the
          corridor, it has been changed — even one character changes the hash — or it was never registered. Do not rely on it.
        </p>
        {proofLines}
        {hashLine}
      </div>
    );
  }
  return (
    <div>
      <div class="verdict ok" data-testid="verdict" data-state="anchored" data-proof-ms={Math.round(r.proofMs ?? 0)} data-total-ms={Math.round(r.totalMs ?? 0)}>
        <h2>✓ ANCHORED</h2>
        {r.anchors.map(({ zone, doc }) => (
          <p key={zone}>
            Anchored on <strong>{zone}</strong> as {doc.docType || "a document"} by <Addr address={doc.anchoredBy} /> at block {String(doc.height)}
            {doc.billId ? <> for bill <a href={link("bill", doc.billId)}>{doc.billId}</a></> : null}.
          </p>
        ))}
        {proofLines}
        {hashLine}
        {r.unreachable?.length ? <p class="warn-text">{r.unreachable.join(" and ")} did not answer: its records are not shown.</p> : null}
      </div>
      {r.bill ? (
        <>
          <BillSummary b={r.bill} />
          <BillHistory b={r.bill} />
        </>
      ) : r.anchors.some((a) => a.doc.billId) ? (
        <ErrorBox>The bill this document belongs to is on neither zone.</ErrorBox>
      ) : (
        <p class="muted">This document is not bound to a bill of lading.</p>
      )}
      <p class="muted small">
        Hash <Short text={r.digest!.hash} n={16} />
      </p>
    </div>
  );
}
