// Pieces every page uses: addresses with party names, status badges, the
// loading/error frame, the cross-zone timeline.
import { useEffect, useState } from "preact/hooks";
import type { ComponentChildren } from "preact";
import { partyAnywhere, words, ZONES, type Milestone, type Party, type Zone } from "./lib/api";
import type { ChainCheck } from "./lib/history";
import { describe, type Checked } from "./lib/light";

export function link(...parts: string[]): string {
  return "#/" + parts.map(encodeURIComponent).join("/");
}

/** Loads once per key; shows loading and errors in plain words. */
export function useLoad<T>(key: string, load: () => Promise<T>): { data?: T; error?: string; reload: () => void } {
  const [state, setState] = useState<{ key: string; data?: T; error?: string }>({ key: "" });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => (s.key === key ? s : { key }));
    load().then(
      (data) => live && setState({ key, data }),
      (e) => live && setState({ key, error: (e as Error).message }),
    );
    return () => {
      live = false;
    };
  }, [key, n]);
  return { data: state.key === key ? state.data : undefined, error: state.key === key ? state.error : undefined, reload: () => setN(n + 1) };
}

export function Loading({ what }: { what: string }) {
  return <p class="muted loading">Loading {what}…</p>;
}

export function ErrorBox({ children }: { children: ComponentChildren }) {
  return <div class="box error" role="alert">{children}</div>;
}

export function Short({ text, n = 10 }: { text: string; n?: number }) {
  if (!text) return <span class="muted">—</span>;
  return <code title={text}>{text.length > 2 * n + 1 ? `${text.slice(0, n)}…${text.slice(-6)}` : text}</code>;
}

/** An address with the registered party's name and code where it has one. */
export function Addr({ address, zone }: { address: string; zone?: Zone }) {
  const [p, setP] = useState<(Party & { zone: string }) | undefined>();
  useEffect(() => {
    let live = true;
    if (address.startsWith("trade1")) partyAnywhere(address, zone).then((x) => live && setP(x));
    return () => {
      live = false;
    };
  }, [address]);
  if (!address) return <span class="muted">—</span>;
  // A module acting (tradefinance/lc/1, the LC that moved title) is no account.
  if (!address.startsWith("trade1")) return <code>{address}</code>;
  const z = zone?.id ?? p?.zone ?? ZONES[0].id;
  return (
    <a class="addr" href={link("party", z, address)} title={address}>
      {p ? (
        <>
          <strong>{p.name}</strong> <span class="code">{p.code}</span>
        </>
      ) : (
        <Short text={address} />
      )}
    </a>
  );
}

const tone: Record<string, string> = {
  ISSUED: "ok", OPEN: "ok", ACTIVE: "ok", COMPLYING: "ok", CONFIRMED: "ok", LOCAL: "ok", SETTLED: "done", REPAID: "done",
  SURRENDERED_FOR_DELIVERY: "done", CLOSED: "done", FINANCED: "warn", PRESENTED: "warn", PENDING: "warn", IN_TRANSIT: "warn",
  PENDING_SURRENDER_FOR_DELIVERY: "warn", PENDING_SURRENDER_FOR_AMENDMENT: "warn", SURRENDERED_FOR_AMENDMENT: "warn", OFFERED: "warn",
  EXPORTING: "warn", EXPORTED: "muted",
  TRANSFERRED_OUT: "muted", VOIDED: "bad", REFUSED: "bad", DEFAULTED: "bad", REJECTED_DUPLICATE: "bad",
};

export function Badge({ value }: { value: string }) {
  const short = value.replace(/^(BILL_STATUS|LC_STATUS|PRESENTATION_STATUS|INVOICE_STATUS|FINANCING_STATUS|RESERVATION_STATUS)_/, "");
  return <span class={`badge ${tone[short] ?? "muted"}`}>{words(value)}</span>;
}

export function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function when(t: string | undefined): string {
  if (!t) return "—";
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

const actionWords: Record<string, string> = {
  ISSUE: "Issued", TRANSFER: "Transferred", ENDORSE: "Endorsed", BLANK_ENDORSE: "Blank-endorsed", SURRENDER_FOR_DELIVERY: "Surrender for delivery requested",
  SURRENDER_FOR_AMENDMENT: "Surrender for amendment requested", SACC: "Surrender accepted", SREJ: "Surrender rejected", AMEND: "Amended", VOID: "Voided",
  AMEND_PENDING: "Amendment waiting for the corridor registry", AMEND_REJECTED: "Amendment refused: its document backs a bill elsewhere",
  LIEN: "Lien placed", LIEN_RELEASE: "Lien released", LIEN_TRANSFER: "Title moved under the lien (delivery against payment)", SEND: "Sent to the other zone", RECEIVE: "Received from the other zone", RETURN_REFUSED: "Returned: refused by the other zone",
  RETURN_TIMEOUT: "Returned: the crossing timed out", CORRIDOR_CONFIRMED: "Confirmed by the corridor registry", CORRIDOR_RETRY: "Corridor registry asked again",
  CORRIDOR_TIMEOUT: "Corridor registry did not answer in time", HOLD: "Held by a regulator", HOLD_LIFTED: "Regulator's hold lifted", RETURN: "Returned", SPLIT: "Split", COMBINE: "Combined", REJECT_TRANSFER: "Transfer rejected", REJECT_ENDORSEMENT: "Endorsement rejected",
  IMPORTED: "Imported over DCSA PINT from another eBL platform", EXPORT: "Export over DCSA PINT requested (locked)",
  EXPORT_ACCEPTED: "Left the corridor: accepted by the receiving platform", EXPORT_REFUSED: "Export refused by the receiving platform: back to the holder",
  EXPORT_CONTINUED: "Continued on the other zone: its PINT import there continues this export",
  EXPORT_WITHDRAWN: "Export withdrawn by the zone authority (no signed answer): back to the holder",
};

/** The bill's history as one timeline across both zones, each entry's hash re-checked here. */
export function Timeline({ check }: { check: ChainCheck }) {
  return (
    <div>
      <p class={check.ok ? "chain ok" : "chain bad"} data-testid="chain-status">
        {check.ok
          ? `✓ Hash chain verified in this browser: ${check.entries.length} entries from the genesis head to ${check.head.slice(0, 12)}…`
          : `✗ The history does not verify: ${check.problem ?? "no entries"}`}
      </p>
      <ol class="timeline">
        {check.entries.map(({ entry: e, hashes, links }) => (
          <li key={String(e.sequence)} class={hashes && links ? "" : "broken"} data-testid="timeline-entry">
            <div class="when">
              <span class={`zone-tag z-${e.chain_id}`}>{e.chain_id}</span>
              <span class="muted">{when(e.time)} · block {String(e.height)}</span>
            </div>
            <div class="what">
              <strong>
                {e.sequence}. {actionWords[e.action] ?? e.action}
              </strong>{" "}
              <span class="muted pint">{e.action}</span>
              {e.actor ? (
                <span>
                  {" "}by <Addr address={String(e.actor)} zone={ZONES.find((z) => z.id === e.chain_id)} />
                </span>
              ) : null}
              {e.to ? (
                <span>
                  {" "}→ <Addr address={String(e.to)} zone={ZONES.find((z) => z.id === e.chain_id)} />
                </span>
              ) : null}
              {e.detail ? <div class="muted">{String(e.detail)}</div> : null}
              {e.remark ? <div class="remark">“{String(e.remark)}”</div> : null}
              <div class="hash muted">
                {hashes && links ? "✓" : "✗"} head <Short text={e.head} n={12} />
              </div>
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}

export function Milestones({ items }: { items: (Milestone & { zone: string })[] }) {
  if (items.length === 0) return <p class="muted">No track-and-trace milestones recorded.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>When</th>
          <th>Event</th>
          <th>Where</th>
          <th>Recorded by</th>
          <th>Zone</th>
        </tr>
      </thead>
      <tbody>
        {items.map((m) => (
          <tr key={`${m.zone}-${m.sequence}`}>
            <td>{when(m.event_time)}</td>
            <td>
              {m.event_code} <span class="muted">{m.classifier}</span>
            </td>
            <td>{m.location}</td>
            <td>
              <Addr address={m.recorded_by} />
            </td>
            <td>{m.zone}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * What the light client checked: green only for a proof that verified
 * ("proved against hongkong-1's validators at height H: 1 of 1 signatures"),
 * a red "proof failed: why" otherwise.
 */
export function ProofStatus({ check, what }: { check: Checked<unknown>; what?: string }) {
  if (!check.ok) {
    return (
      <div class="proof bad" data-testid="proof" data-state="failed" role="alert">
        <strong>✗ proof failed{what ? ` (${what})` : ""}:</strong> {check.why}
      </div>
    );
  }
  const d = describe(check.proof);
  return (
    <div class="proof ok" data-testid="proof" data-state="proved" data-height={String(check.proof.height)} data-ms={Math.round(check.proof.ms)}>
      <strong>✓ {d.line}</strong>
      {what ? <span class="muted"> ({what})</span> : null}
      <details>
        <summary class="muted small">what was checked</summary>
        <p class="small muted">{d.detail}</p>
      </details>
    </div>
  );
}
