// Acting: connect a wallet, then sign the main actions. Every result — the
// block it landed in, or the chain's refusal in its own words — is shown.
import { useEffect, useState } from "preact/hooks";
import type { ComponentChildren } from "preact";
import { Addr, Short, link } from "../components";
import { cargoChannel, otherZone, ZONES, type Zone } from "../lib/api";
import type { BillAcross } from "../lib/bill";
import { actions, connectKeplr, hasKeplr, signAndSend, walletFromPasted, type Msg, type TxOutcome, type Wallet } from "../lib/tx";

// The connected wallet, for every page (memory only: a reload forgets it).
let current: Wallet | undefined;
const listeners = new Set<(w: Wallet | undefined) => void>();
export function setWallet(w: Wallet | undefined) {
  current = w;
  listeners.forEach((f) => f(w));
}
export function useWallet(): Wallet | undefined {
  const [w, setW] = useState(current);
  useEffect(() => {
    listeners.add(setW);
    return () => listeners.delete(setW);
  }, []);
  return w;
}

export function WalletPanel() {
  const wallet = useWallet();
  const [secret, setSecret] = useState("");
  const [error, setError] = useState("");
  if (wallet) {
    return (
      <div class="card wallet" data-testid="wallet">
        <p>
          Signing as <Addr address={wallet.address} /> <Short text={wallet.address} n={12} />{" "}
          <span class="muted">({wallet.kind === "keplr" ? "Keplr" : "pasted key, kept in this page only"})</span>{" "}
          <button class="secondary" onClick={() => setWallet(undefined)}>
            Disconnect
          </button>
        </p>
      </div>
    );
  }
  return (
    <div class="card wallet" data-testid="wallet">
      <h3>Sign in to act</h3>
      {hasKeplr() ? (
        <p>
          <button
            onClick={() =>
              connectKeplr(ZONES).then(setWallet, (e) => setError(`Keplr: ${(e as Error).message}`))
            }
          >
            Connect Keplr
          </button>{" "}
          <span class="muted">offers both zones to Keplr from the chain-registry files</span>
        </p>
      ) : (
        <p class="muted">No Keplr in this browser. For a localnet account, paste its mnemonic or hex private key.</p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setError("");
          walletFromPasted(secret).then(
            (w) => {
              setSecret("");
              setWallet(w);
            },
            (err) => setError((err as Error).message),
          );
        }}
      >
        <label>
          Localnet key (never sent anywhere, forgotten on reload)
          <textarea
            name="secret"
            rows={2}
            autocomplete="off"
            spellcheck={false}
            value={secret}
            onInput={(e) => setSecret((e.target as HTMLTextAreaElement).value)}
            placeholder="twelve or twenty-four words, or 64 hex digits"
          />
        </label>
        <button type="submit">Use this key</button>
      </form>
      {error ? <p class="error-text" role="alert">{error}</p> : null}
    </div>
  );
}

const stageWords: Record<string, string> = {
  simulate: "The chain would refuse this, so nothing was sent",
  check: "The zone refused the transaction before it reached a block",
  block: "The transaction was included in a block but failed",
  connect: "Could not reach the zone",
};

export function Outcome({ r }: { r: TxOutcome }) {
  if (r.ok) {
    return (
      <div class="box success" role="status" data-testid="tx-result">
        ✓ Done on {r.zone}: block {r.height}, transaction <Short text={r.hash} n={10} />, gas {String(r.gasUsed)}.
      </div>
    );
  }
  return (
    <div class="box error" role="alert" data-testid="tx-result">
      <strong>✗ {stageWords[r.stage]}{r.code ? ` (${r.code})` : ""}.</strong>
      <div class="refusal">{r.message}</div>
    </div>
  );
}

/** A form that signs one message on one zone and shows the outcome. */
export function ActionForm(props: {
  title: string;
  zone: Zone;
  build: (signer: string, form: FormData) => Msg;
  onDone?: () => void;
  /** also told of the outcome (a page that outlives this form shows it) */
  onResult?: (r: TxOutcome, title: string) => void;
  children?: ComponentChildren;
  testid: string;
}) {
  const wallet = useWallet();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TxOutcome | undefined>();
  return (
    <form
      class="action"
      data-testid={props.testid}
      onSubmit={async (e) => {
        e.preventDefault();
        if (!wallet) return;
        setBusy(true);
        setResult(undefined);
        let r: TxOutcome;
        try {
          r = await signAndSend(wallet, props.zone, [props.build(wallet.address, new FormData(e.target as HTMLFormElement))]);
        } catch (err) {
          r = { ok: false, zone: props.zone.id, stage: "simulate", message: (err as Error).message };
        }
        setResult(r);
        setBusy(false);
        props.onResult?.(r, props.title);
        if (r.ok) props.onDone?.();
      }}
    >
      <h4>{props.title}</h4>
      {props.children}
      <button type="submit" disabled={!wallet || busy}>
        {busy ? "Signing…" : wallet ? `Sign on ${props.zone.id}` : "Sign in first"}
      </button>
      {result ? <Outcome r={result} /> : null}
    </form>
  );
}

const text = (f: FormData, k: string) => String(f.get(k) ?? "").trim();

function Remark() {
  return (
    <label>
      Remark (optional, kept in the history)
      <input name="remark" maxLength={120} />
    </label>
  );
}

/** The holder's and the carrier's actions on a bill, on the zone that holds it. */
export function BillActions({ b, onDone, onResult }: { b: BillAcross; onDone: () => void; onResult: (r: TxOutcome, title: string) => void }) {
  const live = b.live!;
  const z = live.zone;
  const id = b.id;
  const other = otherZone(z.id);
  const toOrder = live.bill!.mode === "BILL_MODE_TO_ORDER";
  return (
    <div class="card">
      <h3>Act on this bill</h3>
      <WalletPanel />
      <div class="actions">
        {!toOrder && live.bill!.type !== "BILL_TYPE_SWB" ? (
          <ActionForm title="Transfer" testid="act-transfer" zone={z} onDone={onDone} onResult={onResult} build={(s, f) => actions.transfer(s, id, text(f, "to"), text(f, "remark"))}>
            <label>
              New holder {live.bill!.mode === "BILL_MODE_STRAIGHT" ? "(a straight bill goes only to its consignee)" : `(registered party on ${z.id})`}
              <input name="to" required placeholder="trade1…" defaultValue={live.bill!.mode === "BILL_MODE_STRAIGHT" ? live.bill!.consignee : ""} />
            </label>
            <Remark />
          </ActionForm>
        ) : null}
        {toOrder ? (
          <ActionForm title="Endorse" testid="act-endorse" zone={z} onDone={onDone} onResult={onResult} build={(s, f) => actions.endorse(s, id, text(f, "endorsee"), text(f, "remark"))}>
            <label>
              Endorsee
              <input name="endorsee" required placeholder="trade1…" />
            </label>
            <Remark />
          </ActionForm>
        ) : null}
        <ActionForm
          title="Request surrender"
          testid="act-surrender"
          zone={z}
          onDone={onDone}
          onResult={onResult}
          build={(s, f) => actions.requestSurrender(s, id, text(f, "purpose") === "AMENDMENT" ? "AMENDMENT" : "DELIVERY", text(f, "reason"), text(f, "remark"))}
        >
          <label>
            Purpose
            <select name="purpose">
              <option value="DELIVERY">Delivery of the cargo</option>
              <option value="AMENDMENT">Amendment (the carrier reissues)</option>
            </select>
          </label>
          <label>
            Reason (for an amendment)
            <input name="reason" />
          </label>
          <Remark />
        </ActionForm>
        <ActionForm title="Accept surrender (carrier)" testid="act-accept-surrender" zone={z} onDone={onDone} onResult={onResult} build={(s, f) => actions.acceptSurrender(s, id, text(f, "remark"))}>
          <Remark />
        </ActionForm>
        <ActionForm
          title={`Send to ${other.id}`}
          testid="act-send"
          zone={z}
          onDone={onDone}
          onResult={onResult}
          build={(s, f) => actions.sendBill(s, id, cargoChannel(z.id), text(f, "receiver"), text(f, "remark"))}
        >
          <label>
            Receiver (registered party on {other.id})
            <input name="receiver" required placeholder="trade1…" />
          </label>
          <p class="muted small">
            Over the cargo channel {cargoChannel(z.id)}. The bill is frozen here until {other.id} acknowledges; a refusal or a timeout
            returns it.
          </p>
          <Remark />
        </ActionForm>
      </div>
      <p class="muted small">
        Letters of credit and financing: see each <a href={link("lcs", z.id)}>LC</a> and each party's page.
      </p>
    </div>
  );
}
