// One page per SME across both zones (issue 39): shown to the grantee of a
// consent the SME granted on that zone that is live now. On each zone where
// one is, the viewer signs the zone's document store's ADR-036 challenge
// (Keplr's signArbitrary, or this app's own signer) and the page shows:
// - the consent(s), each proved by the zone's light client (granter, grantee,
//   not revoked, not expired at the proved header);
// - under a consent to all the SME's trade data ("*"), its track record:
//   every record each figure counts (bills, history entries, milestones,
//   credits, invoices, financings) proved against the zone's trust root,
//   with a ✓/✗ mark per record;
// - the documents the consents cover, each anchor proved; reading one
//   downloads it through the store, hashes it here and proves the access
//   record the store wrote on chain before releasing it.
// A viewer without a live consent is told so and sees nothing private.
import { useEffect, useState } from "preact/hooks";
import { Addr, ErrorBox, Loading, ProofStatus, Short, link, useLoad, when } from "../components";
import { get, maybe, ZONES, type Bill, type Zone } from "../lib/api";
import { download, signIn, StoreError, type Download, type Session } from "../lib/docstore";
import { describe, lightClient, proveDocument, type Checked } from "../lib/light";
import { proveAccessRecord, proveConsent, proveFigureRecord, type ProvenConsent } from "../lib/records";
import type { Wallet } from "../lib/tx";
import { useWallet, WalletPanel } from "./act";

interface Consent { id: string; granter: string; grantee: string; scope: string; purpose: string; expires_at: string; revoked?: boolean }
interface Figure { name: string; count?: string; ids?: string[] }

function liveFor(c: Consent, grantee: string): boolean {
  return c.grantee === grantee && !c.revoked && new Date(c.expires_at).getTime() > Date.now();
}

function refLink(z: Zone, ref: string): string {
  const [kind, id] = ref.split("/");
  if (kind === "lc") return link("lc", z.id, id);
  if (kind === "invoice" || kind === "financing") return link("party", z.id);
  return link("bill", kind); // a bill id, or bill/sequence of its history or milestones
}

/** A record's mark: ✓ proved (hover: against what), ✗ failed (the reason, on the page). */
function Mark({ check, label, href }: { check?: Checked<string>; label: string; href?: string }) {
  const name = href ? <a href={href}>{label}</a> : <span>{label}</span>;
  if (!check) {
    return (
      <span class="chip record" data-testid="record" data-ref={label} data-state="checking">
        {name} <span class="muted">… proving</span>
      </span>
    );
  }
  if (!check.ok) {
    return (
      <span class="chip record bad" data-testid="record" data-ref={label} data-state="failed" role="alert" title={check.why}>
        {name} <strong>✗ proof failed</strong>: <span class="small">{check.why}</span>
      </span>
    );
  }
  const d = describe(check.proof);
  return (
    <span class="chip record ok" data-testid="record" data-ref={label} data-state="verified" data-height={String(check.proof.height)} title={`${check.value}\n${d.line}\n${d.detail}`}>
      {name} <strong>✓</strong> <span class="small muted">{check.value}</span>
    </span>
  );
}

function useCheck<T>(key: string, run: () => Promise<Checked<T>>): Checked<T> | undefined {
  const [c, setC] = useState<{ key: string; v?: Checked<T> }>({ key });
  useEffect(() => {
    let live = true;
    setC({ key });
    run().then(
      (v) => live && setC({ key, v }),
      (e) => live && setC({ key, v: { ok: false, why: (e as Error).message } }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return c.key === key ? c.v : undefined;
}

function FigureRecord({ z, figure, ref_, sme }: { z: Zone; figure: string; ref_: string; sme: string }) {
  const check = useCheck(`${z.id}/${figure}/${ref_}/${sme}`, () => proveFigureRecord(z, figure, ref_, sme));
  return <Mark check={check} label={ref_} href={refLink(z, ref_)} />;
}

function TrackRecord({ z, sme }: { z: Zone; sme: string }) {
  const { data, error } = useLoad(`track/${z.id}/${sme}`, async () => {
    const [cargo, fin] = await Promise.all([
      get<{ figures?: Figure[]; height?: string }>(z, `/tradechain/cargo/v1/track_record/${sme}`),
      maybe(get<{ figures?: Figure[] }>(z, `/tradechain/tradefinance/v1/track_record/${sme}`)),
    ]);
    return { figures: [...(cargo.figures ?? []), ...(fin?.figures ?? [])], height: cargo.height ?? "" };
  });
  if (error) return <ErrorBox>{z.id}'s track record: {error}</ErrorBox>;
  if (!data) return <Loading what={`${z.id}'s track record`} />;
  return (
    <>
      <h3>Track record on {z.id}</h3>
      <p class="muted small">
        As {z.id} answered at block {data.height || "?"}; each record below is proved against {z.id}'s validators from this app's trust root, and checked to be
        what the figure says of this party (✓), or shown failed (✗).
      </p>
      <table class="track">
        <tbody>
          {data.figures.map((f) => {
            const ids = Array.isArray(f.ids) ? f.ids : [];
            return (
              <tr key={f.name} data-testid={`fig-${z.id}-${f.name}`}>
                <th>{f.name.replace(/_/g, " ")}</th>
                <td>{f.count ?? String(ids.length)}</td>
                <td>
                  {ids.map((r) => (
                    <FigureRecord key={r} z={z} figure={f.name} ref_={r} sme={sme} />
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

interface DocItem { hash: string; why: string; consent: string; billId?: string; anchorers: string[] }

/**
 * The SME's own anchors on a zone, from the zone's CometBFT transaction index
 * (its anchor-document transactions, by the indexed message.sender; the
 * EventDocumentAnchored they emitted says what): a listing only — each
 * anchor is then proved.
 */
async function anchorsOf(z: Zone, owner: string): Promise<{ hash: string; billId: string }[]> {
  if (!/^trade1[0-9a-z]+$/.test(owner)) return [];
  const query = `"message.sender='${owner}' AND message.action='/tradechain.cargo.v1.MsgAnchorDocument'"`;
  const res = await fetch(`${z.rpc}/tx_search?query=${encodeURIComponent(query)}&per_page=100&order_by="desc"`);
  const body = (await res.json().catch(() => ({}))) as { result?: { txs?: { tx_result?: { events?: { type: string; attributes: { key: string; value: string }[] }[] } }[] } };
  const out: { hash: string; billId: string }[] = [];
  for (const tx of body.result?.txs ?? []) {
    for (const ev of tx.tx_result?.events ?? []) {
      if (ev.type !== "tradechain.cargo.v1.EventDocumentAnchored") continue;
      const a = Object.fromEntries(ev.attributes.map((x) => [x.key, x.value]));
      const un = (v: string | undefined) => {
        try {
          return JSON.parse(v ?? '""') as string;
        } catch {
          return "";
        }
      };
      if (un(a.owner) === owner && /^[0-9a-f]{64}$/.test(un(a.hash))) out.push({ hash: un(a.hash), billId: un(a.bill_id) });
    }
  }
  return out;
}

/** The documents the live consents cover, with the consent each is read under. */
async function coveredDocuments(z: Zone, sme: string, consents: ProvenConsent[], billIds: string[]): Promise<DocItem[]> {
  const out = new Map<string, DocItem>();
  const add = (hash: string, why: string, consent: bigint, billId?: string, anchorer?: string) => {
    const d = out.get(hash) ?? { hash, why, consent: String(consent), billId, anchorers: [] };
    if (anchorer && !d.anchorers.includes(anchorer)) d.anchorers.push(anchorer);
    out.set(hash, d);
  };
  const anchors = await anchorsOf(z, sme).catch(() => []);
  const billDoc = async (id: string) => (await maybe(get<{ bill: Bill }>(z, `/tradechain/cargo/v1/bills/${encodeURIComponent(id)}`)))?.bill?.document_hash;
  for (const c of consents) {
    if (c.scope.startsWith("doc:")) {
      const h = c.scope.slice(4);
      add(h, "this document", c.id, undefined, anchors.some((a) => a.hash === h) ? sme : undefined);
    } else if (c.scope === "*") {
      for (const a of anchors) add(a.hash, a.billId ? `anchored for ${a.billId}` : "anchored", c.id, a.billId, sme);
      for (const id of billIds.slice(0, 20)) {
        const h = await billDoc(id);
        if (h) add(h, `transport document of ${id}`, c.id, id);
      }
    } else {
      const h = await billDoc(c.scope);
      if (h) add(h, `transport document of ${c.scope}`, c.id, c.scope);
      for (const a of anchors) if (a.billId === c.scope) add(a.hash, `anchored for ${c.scope}`, c.id, c.scope, sme);
    }
  }
  return [...out.values()];
}

function DocumentRow({ z, d, session, sme, viewer }: { z: Zone; d: DocItem; session: Session; sme: string; viewer: string }) {
  const anchor = useCheck(`${z.id}/doc/${d.hash}`, async (): Promise<Checked<string>> => {
    const r = await proveDocument(z, d.hash, { billId: undefined, anchorers: d.anchorers });
    if (!r.ok) return r;
    if (!r.value) return { ok: false, why: `${z.id}'s validators' state holds no anchor of this document`, proof: r.proof };
    return { ok: true, value: `${r.value.docType || "document"} anchored at height ${r.value.height}`, proof: r.proof };
  });
  const [read, setRead] = useState<{ busy?: boolean; got?: Download; url?: string; error?: string; record?: Checked<string> }>({});
  const doRead = async () => {
    setRead({ busy: true });
    try {
      const got = await download(z, session, d.hash, d.consent);
      const url = URL.createObjectURL(new Blob([got.bytes as BlobPart], { type: got.kind === "json" ? "application/json" : "application/octet-stream" }));
      setRead({ got, url });
      // The record is in block accessHeight; its state is committed by the
      // app hash of the next header: prove it once the zone's newest verified
      // header is past that block (a new block every few seconds).
      const lc = await lightClient(z);
      for (let i = 0; i < 30; i++) {
        const v = await lc.latestVerified().catch(() => undefined);
        if (v && v.block.signedHeader.header.height > got.accessHeight) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      const record = await proveAccessRecord(z, got.accessRecord, { grantee: viewer, owner: sme, hash: d.hash, consent: d.consent });
      setRead({ got, url, record });
    } catch (e) {
      const m = e instanceof StoreError && e.code === "not_stored" ? `not in ${z.id}'s store: the SME has not uploaded it` : (e as Error).message;
      setRead({ error: m });
    }
  };
  return (
    <tr data-testid="document" data-hash={d.hash}>
      <td>
        <Short text={d.hash} n={10} />
        <div class="small muted">{d.why} · consent {d.consent}</div>
      </td>
      <td>
        <Mark check={anchor} label="anchor" />
      </td>
      <td>
        {read.got ? (
          <div data-testid="document-read" data-state="hash-ok">
            <span class="chip record ok">
              <strong>✓ hash checked in this browser</strong> <span class="small muted">({read.got.kind === "json" ? "RFC 8785 JSON" : "raw bytes"}, {read.got.bytes.length} bytes)</span>
            </span>{" "}
            <a href={read.url} download={`${d.hash.slice(0, 12)}.${read.got.kind === "json" ? "json" : "bin"}`}>
              save
            </a>
            <div>
              <Mark check={read.record} label={`access record ${read.got.accessRecord}`} />
            </div>
          </div>
        ) : read.error ? (
          <div class="box error small" role="alert" data-testid="document-read" data-state="refused">
            {read.error}{" "}
            <button class="secondary" onClick={doRead}>
              Try again
            </button>
          </div>
        ) : (
          <button onClick={doRead} disabled={read.busy} data-testid="read-document">
            {read.busy ? "Reading (recorded on chain first)…" : "Read"}
          </button>
        )}
      </td>
    </tr>
  );
}

function Documents({ z, sme, viewer, consents, session }: { z: Zone; sme: string; viewer: string; consents: ProvenConsent[]; session: Session }) {
  const { data, error } = useLoad(`docs/${z.id}/${sme}/${consents.map((c) => c.id).join(",")}`, async () => {
    let billIds: string[] = [];
    if (consents.some((c) => c.scope === "*")) {
      const tr = await maybe(get<{ figures?: Figure[] }>(z, `/tradechain/cargo/v1/track_record/${sme}`));
      const f = (n: string) => tr?.figures?.find((x) => x.name === n)?.ids ?? [];
      billIds = [...new Set([...f("bills_holding_now"), ...f("bills_shipped")])];
    }
    return coveredDocuments(z, sme, consents, billIds);
  });
  if (error) return <ErrorBox>{error}</ErrorBox>;
  if (!data) return <Loading what="the documents the consents cover" />;
  return (
    <div data-testid={`documents-${z.id}`}>
      <h3>Documents you may read on {z.id}</h3>
      <p class="muted small">
        Read through {z.id}'s document store: each read is recorded on chain (who, what, under which consent) before the bytes are sent; the bytes are hashed here and
        compared with the anchored hash, and the access record is proved.
      </p>
      {data.length === 0 ? (
        <p class="muted">The consents name no document found on {z.id}.</p>
      ) : (
        <table class="documents">
          <tbody>
            {data.map((d) => (
              <DocumentRow key={d.hash} z={z} d={d} session={session} sme={sme} viewer={viewer} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function ProvenConsentRow({ z, c, sme, viewer, onProved }: { z: Zone; c: Consent; sme: string; viewer: string; onProved: (p: ProvenConsent | null) => void }) {
  const check = useCheck(`${z.id}/consent/${c.id}/${viewer}`, () => proveConsent(z, c.id, sme, viewer));
  useEffect(() => {
    if (check) onProved(check.ok ? check.value : null);
  }, [check]);
  return (
    <li data-testid="consent" data-id={c.id}>
      Consent {c.id}: <strong>{c.scope === "*" ? "all trade data" : c.scope.startsWith("doc:") ? "one document" : `bill ${c.scope}`}</strong> for “{c.purpose}”, until {when(c.expires_at)}{" "}
      {check ? <ProofStatus check={check as Checked<unknown>} what={`consent ${c.id}`} /> : <span class="muted">… proving</span>}
    </li>
  );
}

type SignIn = { state: "idle" | "signing" } | { state: "in"; session: Session } | { state: "failed"; why: string };

function ZoneSme({ z, sme, wallet }: { z: Zone; sme: string; wallet: Wallet }) {
  const viewer = wallet.address;
  const { data, error } = useLoad(`consents/${z.id}/${sme}/${viewer}`, async () => {
    const cs = await get<{ consents?: Consent[] }>(z, "/tradechain/cargo/v1/consents", { granter: sme, "pagination.limit": "200" });
    return (cs.consents ?? []).filter((c) => liveFor(c, viewer));
  });
  const [proved, setProved] = useState<Record<string, ProvenConsent | null>>({});
  const [auth, setAuth] = useState<SignIn>({ state: "idle" });
  const live = Object.values(proved).filter((p): p is ProvenConsent => !!p);
  const allDone = !!data && data.length > 0 && data.every((c) => c.id in proved);

  const doSignIn = async () => {
    setAuth({ state: "signing" });
    try {
      setAuth({ state: "in", session: await signIn(wallet, z) });
    } catch (e) {
      setAuth({ state: "failed", why: (e as Error).message });
    }
  };
  // Sign in as soon as a consent is proved live (a Keplr prompt, or this app's key).
  useEffect(() => {
    if (live.length > 0 && auth.state === "idle") doSignIn();
  }, [live.length]);

  if (error) return <ErrorBox>{z.id}: {error}</ErrorBox>;
  if (!data) return <Loading what={`${z.id}'s consents`} />;
  if (data.length === 0) {
    return (
      <section data-testid={`sme-${z.id}`} data-state="no-consent">
        <h2>{z.id}</h2>
        <p class="box" data-testid={`no-consent-${z.id}`}>
          No consent of this party to you is live on {z.id}, so nothing of its data is shown here. It grants one on {z.id} (grant-consent YOU '*' PURPOSE EXPIRY, or a bill or a
          document), for a purpose and until a date, and can revoke it at any time.
        </p>
      </section>
    );
  }
  const all = live.find((c) => c.scope === "*");
  const state = auth.state === "in" ? "signed-in" : auth.state === "failed" ? "sign-in-failed" : allDone && live.length === 0 ? "consent-unproved" : "signing-in";
  return (
    <section data-testid={`sme-${z.id}`} data-state={state}>
      <h2>{z.id}</h2>
      <ul class="consents">
        {data.map((c) => (
          <ProvenConsentRow key={c.id} z={z} c={c} sme={sme} viewer={viewer} onProved={(p) => setProved((x) => ({ ...x, [c.id]: p }))} />
        ))}
      </ul>
      {allDone && live.length === 0 ? (
        <ErrorBox>No consent listed by {z.id} could be proved live against its validators: nothing of this party's data is shown.</ErrorBox>
      ) : auth.state === "failed" ? (
        <ErrorBox>
          Signing in to {z.id}'s document store failed: {auth.why}{" "}
          <button class="secondary" onClick={doSignIn}>
            Sign again
          </button>
        </ErrorBox>
      ) : auth.state !== "in" ? (
        <p class="muted" data-testid={`signing-${z.id}`}>
          Signing {z.id}'s document store challenge with ADR-036 ({wallet.kind === "keplr" ? "Keplr asks you to approve it" : "with this page's key"})…
        </p>
      ) : (
        <>
          <p class="small" data-testid={`signed-in-${z.id}`}>
            Signed in to {z.id}'s document store as <Addr address={auth.session.signer} zone={z} /> ({auth.session.party}) with an ADR-036 signature of its challenge (
            {wallet.kind === "keplr" ? "Keplr's signArbitrary" : "this app's signer"}), until {when(auth.session.expires_at)}.
          </p>
          {all ? (
            <TrackRecord z={z} sme={sme} />
          ) : (
            <p class="muted">The track record is shown under a consent to all of this party's trade data (“*”); the live consents here cover documents only.</p>
          )}
          <Documents z={z} sme={sme} viewer={viewer} consents={live} session={auth.session} />
        </>
      )}
    </section>
  );
}

export function TrackRecordPage({ address }: { address: string }) {
  const wallet = useWallet();
  return (
    <div>
      <h1>Track record</h1>
      <p>
        <Addr address={address} /> across the corridor: bills shipped, held, surrendered and voided, rejections, milestones against the carrier's plan, credits and their
        presentations, invoices and financings — each figure with the records it counts, each record proved — and the documents it shares with you.
      </p>
      {!wallet ? (
        <>
          <p class="muted" data-testid="sme-connect">Shown to the party this SME consented to: connect its wallet (you sign each zone's document store challenge with it).</p>
          <WalletPanel />
        </>
      ) : (
        ZONES.map((z) => <ZoneSme key={`${z.id}/${wallet.address}`} z={z} sme={address} wallet={wallet} />)
      )}
    </div>
  );
}
