// A bill's life outside the corridor, on its page: the transfer chains it
// was imported with over DCSA PINT (from which platform, each entry's
// actions, actors and recipients) and its exports (to which platform and
// recipient, the receiving platform's signed answer), each re-checked in
// this browser against the checksums the chain holds in the bill's history.
// That history is itself hash-verified here and anchored by the history head
// the light client proved, so an entry shown as verified is the one the
// chain accepted; what cannot be checked is said so.
import { useState } from "preact/hooks";
import "./dcsa.css";
import { Addr, ErrorBox, Field, Loading, Short, useLoad, when } from "../components";
import { get, maybe, ZONES, type Zone } from "../lib/api";
import type { BillAcross } from "../lib/bill";
import type { HistoryEntryJSON } from "../lib/history";
import {
  checkTransferChain, codesText, parseJws, verifyJws,
  type FinishedResponse, type PintParty, type SignatureCheck, type TransferChainCheck,
} from "../lib/pint";
import type { Msg, TxOutcome } from "../lib/tx";
import { ActionForm } from "./act";

/** The history entry's pint record, as the REST API spells it. */
interface PintRecordJSON {
  platform: string;
  transport_document_checksum: string;
  last_entry_checksum: string;
  entry_checksums: string[];
  response_code: string;
  reason: string;
}
type Entry = HistoryEntryJSON & { pint?: PintRecordJSON | null; actor?: string; from?: string; to?: string; detail?: string; height?: string };

interface PintEnvelopeJSON {
  bill_id: string; sequence: string; platform: string; envelope_manifest: string; transfer_chain: string[];
  transport_document_checksum: string; last_entry_checksum: string; entry_checksums: string[];
  issuance_manifest_verified: boolean; imported_by: string; height: string;
}
interface EblPlatformJSON { code: string; name: string; endpoint: string; jwks: string }
interface SentExportJSON {
  bill_id: string; history_len: string | number; platform: string; recipient_name: string; state: string;
  last_entry_checksum: string; envelope_manifest: string; transfer_chain: string[]; response_code: string; reason: string; signed_response: string;
}
interface BillExportJSON {
  platform: string; recipient_name: string; recipient_codes: { code_list_provider: string; party_code: string; code_list_name: string }[];
  requested_by: string; requested_height: string; requested_at: string; response_code: string; response_reason: string;
  signed_response: string; last_entry_checksum: string; concluded_height: string; concluded_by: string;
}

/** A transfer chain as shown: its entries, what was checked, each signature. */
interface ChainView {
  check: TransferChainCheck;
  signatures: SignatureCheck[];
}

export interface ImportView {
  entry: Entry;
  zone: Zone;
  platform: string;
  platformName?: string;
  /** the envelope as the zone keeps it, or why it could not be read */
  envelope?: PintEnvelopeJSON;
  chain?: ChainView;
  missing?: string;
  /** the checksum the history records for the document is the bill's */
  documentMatches: boolean;
}

export interface ExportView {
  request: Entry;
  conclusion?: Entry;
  zone: Zone;
  platform: string;
  platformName?: string;
  recipientName: string;
  recipientCodes: string;
  /** the receiving platform's signed answer, parsed and checked */
  answer?: { code: string; reason: string; checksum: string; matches: boolean; signature: SignatureCheck; jws: string };
  /** the envelope as the zone's gateway kept it, checked against the chain */
  sent?: SentExportJSON;
  chain?: ChainView;
  missing?: string;
}

export interface PintView {
  imports: ImportView[];
  exports: ExportView[];
  /** the history the checksums come from is hash-verified and anchored by the proved head */
  anchored: boolean;
}

/** The same-origin base of a zone's DCSA gateway (vite.config.ts). */
function gatewayBase(z: Zone): string {
  return z.rest.replace(/\/rest$/, "/gateway");
}

async function gatewayExports(z: Zone, id: string): Promise<SentExportJSON[]> {
  let res: Response;
  try {
    res = await fetch(`${gatewayBase(z)}/corridor/v1/bills/${encodeURIComponent(id)}/exports`);
  } catch (e) {
    throw new Error(`${z.id}'s gateway did not answer (${(e as Error).message})`);
  }
  if (!res.ok) throw new Error(`${z.id}'s gateway answered ${res.status}`);
  const body = (await res.json()) as { exports?: SentExportJSON[] };
  return body.exports ?? [];
}

function once<K, V>(f: (k: K) => Promise<V>): (k: K) => Promise<V> {
  const m = new Map<K, Promise<V>>();
  return (k) => {
    if (!m.has(k)) m.set(k, f(k));
    return m.get(k)!;
  };
}

async function checkSignatures(chain: string[], keysOf: (code: string) => Promise<EblPlatformJSON | undefined>): Promise<SignatureCheck[]> {
  return Promise.all(
    chain.map(async (jws) => {
      let platform = "";
      try {
        platform = parseJws<{ eblPlatform: string }>(jws).payload.eblPlatform;
      } catch (e) {
        return { ok: false, why: (e as Error).message };
      }
      const p = await keysOf(platform);
      if (!p) return { ok: false, why: `platform ${platform} is not among the zone's trusted platforms (today)` };
      return verifyJws(jws, p.jwks);
    }),
  );
}

/** Everything the PINT panel shows, read and checked. */
export async function loadPint(b: BillAcross): Promise<PintView> {
  const entries = b.check.entries.map((c) => c.entry as Entry);
  const bill = b.live!.bill!;
  const platformsOf = once(async (zid: string) => {
    const z = ZONES.find((x) => x.id === zid)!;
    const r = await get<{ platforms: EblPlatformJSON[] }>(z, "/tradechain/cargo/v1/ebl_platforms", { "pagination.limit": "200" });
    return r.platforms ?? [];
  });
  const keysOn = (z: Zone) => async (code: string) => (await platformsOf(z.id).catch(() => [])).find((p) => p.code === code);
  const envelopesOf = once((zid: string) =>
    get<{ envelopes: PintEnvelopeJSON[] }>(ZONES.find((x) => x.id === zid)!, `/tradechain/cargo/v1/bills/${encodeURIComponent(b.id)}/pint_envelopes`).then((r) => r.envelopes ?? []),
  );
  const sentOf = once((zid: string) => gatewayExports(ZONES.find((x) => x.id === zid)!, b.id));

  const imports = await Promise.all(
    entries
      .filter((e) => e.action === "IMPORTED" && e.pint)
      .map(async (e): Promise<ImportView> => {
        const zone = ZONES.find((z) => z.id === e.chain_id) ?? b.live!.zone;
        const rec = e.pint!;
        const v: ImportView = {
          entry: e, zone, platform: rec.platform, platformName: (await keysOn(zone)(rec.platform))?.name,
          documentMatches: rec.transport_document_checksum === bill.document_hash,
        };
        try {
          v.envelope = (await envelopesOf(zone.id)).find((x) => String(x.sequence) === String(e.sequence) || x.last_entry_checksum === rec.last_entry_checksum);
          if (!v.envelope) v.missing = `${zone.id} returned no envelope for this import: only the checksums below are on chain`;
        } catch (err) {
          v.missing = `${(err as Error).message}: the entries could not be read, only their checksums are known`;
        }
        if (v.envelope) {
          const check = checkTransferChain(v.envelope.transfer_chain, {
            entryChecksums: rec.entry_checksums, lastEntryChecksum: rec.last_entry_checksum, documentChecksum: bill.document_hash,
          });
          v.chain = { check, signatures: await checkSignatures(v.envelope.transfer_chain, keysOn(zone)) };
        }
        return v;
      }),
  );

  const exports = await Promise.all(
    entries
      .filter((e) => e.action === "EXPORT")
      .map(async (e): Promise<ExportView> => {
        const zone = ZONES.find((z) => z.id === e.chain_id) ?? b.live!.zone;
        const conclusion = entries.find(
          (x) => BigInt(x.sequence) > BigInt(e.sequence) && (x.action === "EXPORT_ACCEPTED" || x.action === "EXPORT_REFUSED" || x.action === "EXPORT_WITHDRAWN") && x.chain_id === e.chain_id,
        );
        const nextExport = entries.find((x) => BigInt(x.sequence) > BigInt(e.sequence) && x.action === "EXPORT");
        const concl = conclusion && (!nextExport || BigInt(conclusion.sequence) < BigInt(nextExport.sequence)) ? conclusion : undefined;
        const platform = e.pint?.platform ?? "";
        // The bill's own export record describes its latest export only.
        const zb = b.zones.find((x) => x.zone.id === zone.id)?.bill as unknown as { export?: BillExportJSON | null } | undefined;
        const latest = zb?.export && String(zb.export.requested_height) === String(e.height) ? zb.export : undefined;
        const v: ExportView = {
          request: e, conclusion: concl, zone, platform, platformName: (await keysOn(zone)(platform))?.name,
          recipientName: latest?.recipient_name ?? String(e.detail ?? "").replace(/^to (.*) on [A-Z0-9]+$/, "$1"),
          recipientCodes: latest ? codesText(latest.recipient_codes) : "",
        };
        let sent: SentExportJSON | undefined;
        try {
          const all = await sentOf(zone.id);
          sent =
            all.find((s) => concl?.pint?.last_entry_checksum && s.last_entry_checksum === concl.pint.last_entry_checksum) ??
            all.find((s) => String(s.history_len) === String(e.sequence));
          if (!sent) v.missing = `${zone.id}'s gateway keeps no envelope for this export`;
        } catch (err) {
          v.missing = (err as Error).message;
        }
        v.sent = sent;
        if (sent && sent.transfer_chain.length > 0 && concl?.pint?.last_entry_checksum) {
          const check = checkTransferChain(sent.transfer_chain, { lastEntryChecksum: concl.pint.last_entry_checksum, documentChecksum: bill.document_hash });
          v.chain = { check, signatures: await checkSignatures(sent.transfer_chain, keysOn(zone)) };
        }
        const signed = (latest?.response_code ? latest.signed_response : "") || sent?.signed_response || "";
        if (signed && concl?.pint) {
          try {
            const p = parseJws<FinishedResponse>(signed).payload;
            const keys = await keysOn(zone)(platform);
            v.answer = {
              code: p.responseCode, reason: p.reason ?? "", checksum: p.lastEnvelopeTransferChainEntrySignedContentChecksum, jws: signed,
              matches: p.lastEnvelopeTransferChainEntrySignedContentChecksum === concl.pint.last_entry_checksum && p.responseCode === concl.pint.response_code,
              signature: keys ? await verifyJws(signed, keys.jwks) : { ok: false, why: `${platform} is not a trusted platform of ${zone.id} (today)` },
            };
          } catch (err) {
            v.answer = { code: "", reason: "", checksum: "", jws: signed, matches: false, signature: { ok: false, why: (err as Error).message } };
          }
        }
        return v;
      }),
  );
  return { imports, exports, anchored: b.check.ok };
}

function PartyText({ p }: { p?: PintParty }) {
  if (!p) return <span class="muted">—</span>;
  const codes = codesText(p.identifyingCodes);
  return (
    <span class="pint-party">
      <strong>{p.partyName}</strong> <span class="code">{p.eblPlatform}</span>
      {codes ? <div class="muted small">{codes}</div> : null}
    </span>
  );
}

function Mark({ ok, yes, no }: { ok: boolean | undefined; yes: string; no: string }) {
  if (ok === undefined) return <span class="muted" title={no}>–</span>;
  return ok ? <span class="ok-mark" title={yes}>✓</span> : <span class="bad-mark" title={no}>✗</span>;
}

/** One transfer chain: an entry per row, its transactions, and what was checked. */
function ChainTable({ chain, testid }: { chain: ChainView; testid: string }) {
  return (
    <table class="pint-chain" data-testid={testid}>
      <thead>
        <tr>
          <th>#</th>
          <th>Signed by</th>
          <th>Action</th>
          <th>Actor</th>
          <th>Recipient</th>
          <th>When</th>
          <th title="SHA-256 of the entry's JWS, computed here, against the chain's checksum">Checksum</th>
          <th title="the entry names the previous entry's checksum">Link</th>
          <th title="the JWS signature, against the platform's keys on chain">Signature</th>
        </tr>
      </thead>
      <tbody>
        {chain.check.entries.flatMap((c, i) => {
          const txs = c.entry?.transactions ?? [];
          const sig = chain.signatures[i];
          const rows = txs.length ? txs : [undefined];
          return rows.map((t, k) => (
            <tr key={`${i}-${k}`} class={c.problem ? "broken" : ""} data-testid="pint-entry" data-action={t?.actionCode ?? ""}>
              {k === 0 ? (
                <>
                  <td rowSpan={rows.length}>{i + 1}</td>
                  <td rowSpan={rows.length}>
                    <span class="code">{c.entry?.eblPlatform ?? "?"}</span>
                  </td>
                </>
              ) : null}
              <td>
                <strong>{t?.actionCode ?? "—"}</strong>
                {t?.reasonCode ? <span class="muted small"> {t.reasonCode}</span> : null}
                {t?.comments ? <div class="muted small">“{t.comments}”</div> : null}
              </td>
              <td>
                <PartyText p={t?.actor} />
              </td>
              <td>
                <PartyText p={t?.recipient} />
              </td>
              <td class="small when">{t ? when(t.actionDateTime) : ""}</td>
              {k === 0 ? (
                <>
                  <td rowSpan={rows.length} class="small" data-testid="pint-checksum" data-state={c.onChain === undefined ? "linked" : c.onChain === c.checksum ? "on-chain" : "mismatch"}>
                    {c.onChain === undefined ? (
                      <span title="bound to the checksum on chain by the hash links after it">
                        <span class="ok-mark">🔗</span> <Short text={c.checksum} n={6} />
                      </span>
                    ) : (
                      <span>
                        <Mark ok={c.onChain === c.checksum} yes="hashes to the checksum on chain" no={`the chain holds ${c.onChain}`} /> <Short text={c.checksum} n={6} />
                      </span>
                    )}
                  </td>
                  <td rowSpan={rows.length}>
                    <Mark ok={c.links} yes={i === 0 ? "the first entry (no previous)" : "names the previous entry's checksum"} no="does not name the previous entry" />
                  </td>
                  <td rowSpan={rows.length} class="small" data-testid="pint-signature" data-state={sig?.ok ? "verified" : "unverified"}>
                    {sig?.ok ? (
                      <span class="ok-mark" title={`${sig.alg} key ${sig.kid}`}>✓ {sig.alg}</span>
                    ) : (
                      <span class="muted" title={sig?.why}>not checked here</span>
                    )}
                  </td>
                </>
              ) : null}
            </tr>
          ));
        })}
      </tbody>
    </table>
  );
}

function ChainVerdict({ chain, what, anchored }: { chain: ChainView; what: string; anchored: boolean }) {
  const sigs = chain.signatures.filter((s) => s.ok).length;
  const n = chain.check.entries.length;
  if (!chain.check.ok) {
    return (
      <p class="chain bad" data-testid="pint-verdict" data-state="failed">
        ✗ This transfer chain does not match the chain: {chain.check.problems.join("; ")}
      </p>
    );
  }
  return (
    <div>
      <p class={anchored ? "chain ok" : "chain bad"} data-testid="pint-verdict" data-state={anchored ? "verified" : "unanchored"}>
        {anchored ? "✓" : "?"} {n} transfer chain {n === 1 ? "entry" : "entries"} verified in this browser: {what}
        {anchored ? "" : " — but the bill's history did not verify, so those checksums are unproved"}
      </p>
      <p class="muted small">
        Signatures: {sigs} of {n} re-verified here (WebCrypto) against the platforms' keys as the zone reports them today
        {sigs < n ? "; the rest are shown as not checked here (the chain checked every one when it accepted the envelope)" : ""}.
      </p>
    </div>
  );
}

function ImportSection({ v, anchored }: { v: ImportView; anchored: boolean }) {
  const rec = v.entry.pint!;
  const last = v.chain?.check.entries.at(-1)?.entry?.transactions?.at(-1);
  return (
    <section class="pint-section" data-testid="pint-import" data-platform={v.platform}>
      <h4>
        ⇣ Imported from <span class="code">{v.platform}</span> {v.platformName ? <span class="muted">{v.platformName}</span> : null} on{" "}
        <span class={`zone-tag z-${v.zone.id}`}>{v.zone.id}</span>
      </h4>
      <dl class="grid">
        <Field label="Arrived">
          {when(v.entry.time)} <span class="muted">· block {String(v.entry.height)} · history entry {v.entry.sequence}</span>
        </Field>
        <Field label="Landed with">{last ? <PartyText p={last.recipient} /> : v.entry.to ? <Addr address={String(v.entry.to)} zone={v.zone} /> : "—"}</Field>
        <Field label="Recorded by">{v.entry.actor ? <Addr address={String(v.entry.actor)} zone={v.zone} /> : "—"}</Field>
        <Field label="Transport document checksum">
          <Mark ok={v.documentMatches} yes="the bill's document hash" no="not the bill's document hash" /> <Short text={rec.transport_document_checksum} n={8} />
        </Field>
        {v.envelope ? (
          <Field label="Carrier's issuance manifest">
            {v.envelope.issuance_manifest_verified ? "signature verified on chain at import" : <span class="warn-text">its key is not known to {v.zone.id}: checksum checked, signature not</span>}
          </Field>
        ) : null}
      </dl>
      {v.chain ? (
        <>
          <ChainVerdict
            chain={v.chain}
            anchored={anchored}
            what={`each hashes to the checksum ${v.zone.id} recorded in the bill's IMPORTED history entry, names the entry before it, and signs this bill's transport document`}
          />
          <ChainTable chain={v.chain} testid="pint-import-chain" />
        </>
      ) : (
        <>
          <p class="chain bad" data-testid="pint-verdict" data-state="unavailable">
            ? Entries not verified: {v.missing}
          </p>
          <ol class="small">
            {rec.entry_checksums.map((c) => (
              <li key={c}>
                <Short text={c} n={12} /> <span class="muted">(checksum on chain; entry not available)</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

const answerWords: Record<string, string> = {
  RECE: "accepted", DUPE: "accepted (a duplicate of an envelope it had accepted)", BSIG: "refused: a signature problem",
  BENV: "refused: the envelope is not acceptable", DISE: "refused: disputed (the document is live elsewhere)",
};

function ExportSection({ v, anchored }: { v: ExportView; anchored: boolean }) {
  const code = v.conclusion?.pint?.response_code ?? "";
  const accepted = code === "RECE" || code === "DUPE";
  // Withdrawn by the zone authority: no signed answer ever came.
  const withdrawn = v.conclusion?.action === "EXPORT_WITHDRAWN";
  return (
    <section class="pint-section" data-testid="pint-export" data-platform={v.platform} data-code={withdrawn ? "WITHDRAWN" : code || "PENDING"}>
      <h4>
        ⇡ Exported from <span class={`zone-tag z-${v.zone.id}`}>{v.zone.id}</span> to <span class="code">{v.platform}</span>{" "}
        {v.platformName ? <span class="muted">{v.platformName}</span> : null}{" "}
        {withdrawn ? (
          <span class="badge bad" data-testid="pint-answer-code">
            withdrawn
          </span>
        ) : code ? (
          <span class={`badge ${accepted ? "done" : "bad"}`} data-testid="pint-answer-code">
            {code}
          </span>
        ) : (
          <span class="badge warn">waiting for the signed answer</span>
        )}
      </h4>
      <dl class="grid">
        <Field label="Recipient">
          <strong data-testid="pint-recipient">{v.recipientName || "—"}</strong>
          {v.recipientCodes ? <div class="muted small">{v.recipientCodes}</div> : null}
        </Field>
        <Field label="Requested">
          {when(v.request.time)} by {v.request.actor ? <Addr address={String(v.request.actor)} zone={v.zone} /> : "—"}
        </Field>
        <Field label="Answered">
          {v.conclusion ? (
            <>
              {when(v.conclusion.time)} <span class="muted">· block {String(v.conclusion.height)}</span>
            </>
          ) : (
            <span class="muted">not yet</span>
          )}
        </Field>
        <Field label="Answer">
          {withdrawn ? (
            <span data-testid="pint-answer">
              none signed — the zone authority withdrew the export and gave the bill back to its holder
              {v.conclusion?.pint?.reason ? <div class="muted small">“{v.conclusion.pint.reason}”</div> : null}
            </span>
          ) : code ? (
            <span data-testid="pint-answer">
              <strong>{code}</strong> — {answerWords[code] ?? code}
              {v.conclusion?.pint?.reason ? <div class="muted small">“{v.conclusion.pint.reason}”</div> : null}
            </span>
          ) : (
            "—"
          )}
        </Field>
      </dl>
      {v.answer ? (
        <p class={v.answer.matches && v.answer.signature.ok ? "chain ok" : "chain bad"} data-testid="pint-signed-answer" data-state={v.answer.matches && v.answer.signature.ok ? "verified" : "unverified"}>
          {v.answer.matches && v.answer.signature.ok
            ? `✓ ${v.platform}'s signed answer re-verified in this browser: ${v.answer.code} for the envelope whose last entry is ${v.answer.checksum.slice(0, 12)}…, signed with its key ${v.answer.signature.kid} (${v.answer.signature.alg}) as ${v.zone.id} holds it on chain${anchored ? "" : " (the history did not verify)"}`
            : v.answer.matches
              ? `? ${v.platform}'s answer ${v.answer.code} names the envelope the chain recorded, but its signature was not checked here: ${v.answer.signature.why}`
              : `✗ the signed answer does not match the chain's record (${v.answer.code} for ${v.answer.checksum.slice(0, 12)}…)`}
        </p>
      ) : v.conclusion ? (
        <p class="muted small">The signed answer is not available here (the zone keeps only the latest export's; the gateway's copy: {v.missing ?? "none"}).</p>
      ) : null}
      {v.chain ? (
        <>
          <ChainVerdict
            chain={v.chain}
            anchored={anchored}
            what={`the envelope ${v.zone.id}'s gateway sent (fetched from the gateway; the chain keeps only its last checksum): the last entry hashes to the checksum in the bill's ${v.conclusion!.action} history entry, and every entry before it is bound to that one by its hash link`}
          />
          <ChainTable chain={v.chain} testid="pint-export-chain" />
        </>
      ) : (
        <p class="muted small" data-testid="pint-export-chain-missing">
          Transfer chain sent: not shown — {v.missing ?? (v.conclusion ? "the gateway has not built it" : "the gateway is still sending it")}. On chain:{" "}
          {v.conclusion?.pint?.last_entry_checksum ? <Short text={v.conclusion.pint.last_entry_checksum} n={12} /> : "no checksum yet"}.
        </p>
      )}
    </section>
  );
}

/** The card on the bill page: every import and export over PINT. */
export function PintPanel({ b }: { b: BillAcross }) {
  const key = `pint/${b.id}/${b.check.head}`;
  const { data, error } = useLoad(key, () => loadPint(b));
  const touched = b.check.entries.some((c) => ["IMPORTED", "EXPORT"].includes(c.entry.action));
  if (!touched) return null;
  return (
    <div class="card" data-testid="pint-panel">
      <h3>Other eBL platforms (DCSA PINT 3.0)</h3>
      {error ? <ErrorBox>Could not read the PINT records: {error}</ErrorBox> : !data ? <Loading what="the transfer chains and the platforms' keys" /> : null}
      {data ? (
        <>
          {[...data.imports.map((v) => ({ seq: BigInt(v.entry.sequence), el: <ImportSection v={v} anchored={data.anchored} /> })),
            ...data.exports.map((v) => ({ seq: BigInt(v.request.sequence), el: <ExportSection v={v} anchored={data.anchored} /> }))]
            .sort((x, y) => (x.seq < y.seq ? -1 : 1))
            .map((x) => x.el)}
          <p class="muted small">
            What is verified: the checksums come from the bill's history, whose hash chain this browser re-computed up to the head the light client
            proved; an entry is shown ✓ when its JWS text hashes to the checksum there (🔗 when it is bound to that checksum by the hash links after it).
            What is not: the transport document itself (only its checksum), the platforms' keys (as the zone's REST API reports them), and the
            recipient's codes on the bill record (REST).
          </p>
        </>
      ) : null}
    </div>
  );
}

/**
 * The banner of a bill that left the corridor (EXPORTED) or is leaving it
 * (EXPORTING): it is no live bill here.
 */
export function LeftCorridor({ b }: { b: BillAcross }) {
  const zone = b.live!.zone;
  const bill = b.live!.bill! as unknown as { status: string; departed_holder: string; export?: BillExportJSON | null };
  const exp = bill.export;
  if (!exp || (bill.status !== "BILL_STATUS_EXPORTED" && bill.status !== "BILL_STATUS_EXPORTING")) return null;
  const codes = codesText(exp.recipient_codes);
  if (bill.status === "BILL_STATUS_EXPORTING") {
    return (
      <div class="left-corridor leaving" data-testid="left-corridor" data-state="exporting">
        <strong>Leaving the corridor for platform {exp.platform}</strong>: {zone.id}'s gateway is sending it to {exp.recipient_name}
        {codes ? ` (${codes})` : ""} over DCSA PINT. The bill is locked until {exp.platform}'s signed answer: accepted, it leaves; refused, it
        comes back to its holder.
      </div>
    );
  }
  return (
    <div class="left-corridor" data-testid="left-corridor" data-state="exported" data-platform={exp.platform}>
      <div class="left-title">
        ⇡ Left the corridor to platform <span class="code big">{exp.platform}</span>
      </div>
      <p>
        Exported from {zone.id} on {when(exp.requested_at)} to <strong>{exp.recipient_name}</strong>
        {codes ? <span class="muted"> ({codes})</span> : null}; {exp.platform} answered <strong>{exp.response_code}</strong> (signed, kept on
        chain) at block {exp.concluded_height}. Title now lives on {exp.platform}: this record is a tombstone, nobody holds or can act on the bill in
        the corridor. Its document stays reserved in the corridor registry, so no second bill can be issued for it while it is abroad; it can only
        come back over PINT, continuing this history.
      </p>
      {bill.departed_holder ? (
        <p class="muted small">
          Last holder in the corridor: <Addr address={bill.departed_holder} zone={zone} />
        </p>
      ) : null}
    </div>
  );
}

/** The holder exports the bill to a party on another eBL platform (MsgExportBill). */
export function ExportForm({ b, onDone, onResult }: { b: BillAcross; onDone: () => void; onResult: (r: TxOutcome, title: string) => void }) {
  const z = b.live!.zone;
  const { data } = useLoad(`platforms/${z.id}`, () =>
    maybe(get<{ platforms: EblPlatformJSON[]; own_code: string }>(z, "/tradechain/cargo/v1/ebl_platforms", { "pagination.limit": "200" })),
  );
  const [platform, setPlatform] = useState("");
  const bill = b.live!.bill!;
  if (bill.status !== "BILL_STATUS_ISSUED" || bill.type === "BILL_TYPE_SWB" || b.live!.location?.location !== "LOCAL") return null;
  const others = (data?.platforms ?? []).filter((p) => p.code !== data?.own_code);
  const chosen = platform || others[0]?.code || "";
  const build = (holder: string, f: FormData): Msg => {
    const code = String(f.get("code") ?? "").trim();
    const [provider, partyCode, listName] = code.split(":");
    if (!provider || !partyCode) throw new Error("name the recipient's identifying code as PROVIDER:PARTYCODE (e.g. WAVE:WC-1)");
    return {
      typeUrl: "/tradechain.cargo.v1.MsgExportBill",
      value: {
        holder, billId: b.id, platform: String(f.get("platform") ?? ""), recipientName: String(f.get("recipient") ?? "").trim(),
        recipientCodes: [{ codeListProvider: provider, partyCode, codeListName: listName ?? "" }], remark: String(f.get("remark") ?? "").trim(),
      },
    };
  };
  return (
    <div class="card" data-testid="export-card">
      <h3>Export to another eBL platform (DCSA PINT)</h3>
      {others.length === 0 ? (
        <p class="muted">{data === undefined ? "Reading the platforms this zone trusts…" : `${z.id} trusts no other eBL platform.`}</p>
      ) : (
        <ActionForm title={`Export to ${chosen}`} testid="act-export" zone={z} onDone={onDone} onResult={onResult} build={build}>
          <label>
            Platform (trusted by {z.id}, on chain)
            <select name="platform" value={chosen} onChange={(e) => setPlatform((e.target as HTMLSelectElement).value)}>
              {others.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.code} — {p.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Recipient's name on {chosen}
            <input name="recipient" required maxLength={70} />
          </label>
          <label>
            Recipient's identifying code (PROVIDER:PARTYCODE[:LIST])
            <input name="code" required placeholder={`${chosen}:…`} />
          </label>
          <label>
            Remark (optional, kept in the history)
            <input name="remark" maxLength={120} />
          </label>
          <p class="muted small">
            The bill is locked while {z.id}'s gateway sends it; {chosen}'s signed answer decides: accepted, the bill leaves the corridor (a tombstone
            stays here); refused, it comes back to you with the reason.
          </p>
        </ActionForm>
      )}
    </div>
  );
}
