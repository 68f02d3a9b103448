// The light clients' trust roots: which block of each zone this browser
// trusts (shipped with the app, or pinned here), and a form to pin another —
// a height and its block hash, from a source the user trusts (a node they
// run, a second operator, a signed release).
import { useEffect, useState } from "preact/hooks";
import { ZONES } from "../lib/api";
import { pinTrustRoot, trustRoot, type TrustRoot } from "../lib/light";
import { toHex } from "../lib/light/encoding";

export function TrustRoots() {
  const [roots, setRoots] = useState<Record<string, TrustRoot | string>>({});
  const [n, setN] = useState(0);
  const [form, setForm] = useState<Record<string, { height: string; hash: string }>>({});
  const [err, setErr] = useState("");
  useEffect(() => {
    Promise.all(ZONES.map((z) => trustRoot(z.id).then((r) => [z.id, r] as const, (e) => [z.id, (e as Error).message] as const))).then((l) =>
      setRoots(Object.fromEntries(l)),
    );
  }, [n]);
  return (
    <details class="card" data-testid="trust-roots">
      <summary>
        <strong>Trust roots</strong> <span class="muted small">— which block of each zone this browser's light client starts from</span>
      </summary>
      <table>
        <tbody>
          {ZONES.map((z) => {
            const r = roots[z.id];
            const f = form[z.id] ?? { height: "", hash: "" };
            return (
              <tr key={z.id}>
                <th>{z.id}</th>
                <td>
                  {typeof r === "string" ? (
                    <span class="warn-text">{r}</span>
                  ) : r ? (
                    <>
                      block {String(r.height)} <code>{toHex(r.hash)}</code> <span class="muted small">({r.source}; trusting period {Math.round(r.trustingPeriodMs / 3_600_000)} h)</span>
                    </>
                  ) : (
                    "…"
                  )}
                  <form
                    class="inline"
                    onSubmit={(e) => {
                      e.preventDefault();
                      try {
                        pinTrustRoot(z.id, f);
                        setErr("");
                        setN(n + 1);
                      } catch (x) {
                        setErr((x as Error).message);
                      }
                    }}
                  >
                    <input placeholder="height" value={f.height} onInput={(e) => setForm({ ...form, [z.id]: { ...f, height: (e.target as HTMLInputElement).value.trim() } })} />
                    <input placeholder="block hash (64 hex digits)" value={f.hash} onInput={(e) => setForm({ ...form, [z.id]: { ...f, hash: (e.target as HTMLInputElement).value.trim() } })} />
                    <button type="submit">Pin</button>{" "}
                    <button
                      type="button"
                      class="secondary"
                      onClick={() => {
                        pinTrustRoot(z.id, undefined);
                        setN(n + 1);
                      }}
                    >
                      Use the app's
                    </button>
                  </form>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {err ? <p class="error-text">{err}</p> : null}
      <p class="muted small">
        A result is only as good as its trust root: pin a block hash you obtained from a source you trust, never one a page or a bundle hands you.
      </p>
    </details>
  );
}
