// Verify (no login): drop a file, hash it here as the chain does, look it up
// on both zones, and show the bill it belongs to with its history re-verified.
import { useState } from "preact/hooks";
import { Addr, ErrorBox, Loading, Short, link, when } from "../components";
import { get, maybe, ZONES, type DocumentRecord } from "../lib/api";
import { loadBill, type BillAcross } from "../lib/bill";
import { CanonicalError, documentHash, type DocumentHash } from "../lib/canonical";
import { BillHistory, BillSummary } from "./bill";

interface Result {
  file: string;
  size: number;
  digest?: DocumentHash;
  problem?: string;
  anchors?: { zone: string; doc: DocumentRecord }[];
  /** zones that did not answer */
  unreachable?: string[];
  bill?: BillAcross | null;
}

async function verify(file: File): Promise<Result> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const r: Result = { file: file.name, size: bytes.length };
  try {
    r.digest = documentHash(bytes);
  } catch (e) {
    if (e instanceof CanonicalError) {
      r.problem = `This file starts like JSON but is not a JSON document the chain can canonicalise (RFC 8785): ${e.message}. It cannot be an anchored eBL.`;
      return r;
    }
    throw e;
  }
  const found = await Promise.all(
    ZONES.map(async (z) => {
      try {
        return { zone: z.id, doc: (await maybe(get<{ document: DocumentRecord }>(z, `/tradechain/cargo/v1/documents/${r.digest!.hash}`)))?.document };
      } catch (e) {
        return { zone: z.id, down: (e as Error).message };
      }
    }),
  );
  r.unreachable = found.flatMap((f) => ("down" in f && f.down ? [f.zone] : []));
  if (r.unreachable.length === ZONES.length) throw new Error("neither zone answered: nothing can be verified now");
  // A hash whose every anchor was withdrawn comes back with an empty document: not anchored.
  r.anchors = found.flatMap((f) => ("doc" in f && f.doc?.hash ? [{ zone: f.zone, doc: f.doc }] : []));
  const billId = r.anchors.find((a) => a.doc.bill_id)?.doc.bill_id;
  if (billId) r.bill = await loadBill(billId);
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
          in this browser — it never leaves your computer — and the hash is looked up on both zones.
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
        </label>
      </section>
      {busy ? <Loading what="the document's record from both zones" /> : null}
      {error ? <ErrorBox>Could not verify: {error}</ErrorBox> : null}
      {result ? <VerifyResult r={result} /> : null}
    </div>
  );
}

function VerifyResult({ r }: { r: Result }) {
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
  if (!r.anchors?.length && r.unreachable?.length) {
    return (
      <div class="verdict bad" data-testid="verdict" data-state="unknown">
        <h2>? Not found — but {r.unreachable.join(" and ")} did not answer</h2>
        <p>
          This file is not anchored on the zone that answered. {r.unreachable.join(" and ")} could not be asked, so it may be anchored
          there: try again before relying on this answer.
        </p>
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
        {hashLine}
      </div>
    );
  }
  return (
    <div>
      <div class="verdict ok" data-testid="verdict" data-state="anchored">
        <h2>✓ ANCHORED</h2>
        {r.anchors.map(({ zone, doc }) => (
          <p key={zone}>
            Anchored on <strong>{zone}</strong> as {doc.doc_type || "a document"} by <Addr address={doc.anchored_by} /> at block {doc.height} (
            {when(doc.anchored_at)}){doc.bill_id ? <> for bill <a href={link("bill", doc.bill_id)}>{doc.bill_id}</a></> : null}.
          </p>
        ))}
        {hashLine}
        {r.unreachable?.length ? <p class="warn-text">{r.unreachable.join(" and ")} did not answer: its records are not shown.</p> : null}
      </div>
      {r.bill ? (
        <>
          <BillSummary b={r.bill} />
          <BillHistory b={r.bill} />
        </>
      ) : r.anchors.some((a) => a.doc.bill_id) ? (
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
