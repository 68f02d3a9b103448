package gateway

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	oexec "os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// startPintpeer builds and runs tools/pintpeer (the independent stand-in
// platform and carrier, written from the DCSA specifications alone) and
// returns its base URL.
func startPintpeer(t *testing.T, bin, kind string, cfg map[string]any) string {
	t.Helper()
	dir := t.TempDir()
	cfg["listen"], cfg["dir"] = "127.0.0.1:0", dir
	raw, _ := json.Marshal(cfg)
	path := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	cmd := oexec.Command(bin, kind, "-config", path)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	re := regexp.MustCompile(`listening on (http://[0-9.:]+)`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil && !sent {
				found <- m[1]
				sent = true
			}
			if testing.Verbose() {
				t.Logf("pintpeer %s: %s", kind, sc.Text())
			}
		}
	}()
	select {
	case url := <-found:
		return url
	case <-time.After(20 * time.Second):
		t.Fatalf("pintpeer %s did not start", kind)
		return ""
	}
}

func httpJSON(t *testing.T, method, url string, body any, out any) int {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest(method, url, bytes.NewReader(raw))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && len(b) > 0 {
		require.NoError(t, json.Unmarshal(b, out), string(b))
	}
	if res.StatusCode >= 300 {
		t.Logf("%s %s: %d %s", method, url, res.StatusCode, b)
	}
	return res.StatusCode
}

// TestInteropWithPintpeer plays the gateway against the independent
// stand-in carrier and platform (real processes, their own keys and store):
// the carrier issues through the Issuance API, the gateway exports the bill
// to a consignee on the stand-in platform, and the platform sends it back to
// a bank of this zone over PINT. The zone is the unit tests' testChain; the
// end-to-end script plays the same against the real zones.
func TestInteropWithPintpeer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs tools/pintpeer")
	}
	bin := filepath.Join(t.TempDir(), "pintpeer")
	build := oexec.Command("go", "build", "-o", bin, "./tools/pintpeer")
	build.Dir = "../.."
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	f := newFixture(t)
	carrierCodes := []pint.IdentifyingCode{{CodeListProvider: "SMDG", PartyCode: "COS"}}
	carrierURL := startPintpeer(t, bin, "carrier", map[string]any{"carrierCode": "COS", "partyName": "COSCO Shipping Lines", "identifyingCodes": carrierCodes})
	consignee := map[string]any{"partyName": "Wave Consignee Ltd", "identifyingCodes": []pint.IdentifyingCode{{CodeListProvider: peerCode, PartyCode: "WC-1"}}}
	waveURL := startPintpeer(t, bin, "platform", map[string]any{"code": peerCode, "parties": []any{consignee},
		"peers":    []any{map[string]any{"code": ownCode, "jwks": f.srv.URL + "/.well-known/jwks.json", "url": f.srv.URL}},
		"carriers": []any{map[string]any{"carrierCode": "COS", "partyName": "COSCO Shipping Lines", "identifyingCodes": carrierCodes, "jwks": carrierURL + "/.well-known/jwks.json", "url": carrierURL}},
	})

	// The gateway trusts the carrier's keys (config) and the platform (on chain).
	var carrierJWKS, waveJWKS json.RawMessage
	require.Equal(t, 200, httpJSON(t, http.MethodGet, carrierURL+"/.well-known/jwks.json", nil, &carrierJWKS))
	require.Equal(t, 200, httpJSON(t, http.MethodGet, waveURL+"/.well-known/jwks.json", nil, &waveJWKS))
	carrierKeys, err := pint.ParseJWKS(carrierJWKS)
	require.NoError(t, err)
	f.gw.carriers["COS"].keys = carrierKeys
	f.chain.mu.Lock()
	f.chain.platforms[peerCode] = cargotypes.EblPlatform{Code: peerCode, Endpoint: waveURL, Jwks: string(waveJWKS)}
	f.chain.mu.Unlock()
	f.cfg.Carriers[0].IssuanceResponseURL = carrierURL + "/v3/ebl-issuance-responses"
	f.cfg.Carriers[0].SurrenderRequestURL = carrierURL + "/v3/ebl-surrender-requests"
	f.gw.carriers["COS"].cfg = f.cfg.Carriers[0]

	// 1. Issuance API: the stand-in carrier issues to the shipper on this zone.
	issueTo := map[string]any{"partyName": "Shanghai Pudong Precision Electronics", "sendToPlatform": ownCode,
		"identifyingCodes": []pint.IdentifyingCode{{CodeListProvider: "GLEIF", CodeListName: "LEI", PartyCode: shipperLEI}}}
	var sent struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	require.Equal(t, 200, httpJSON(t, http.MethodPost, carrierURL+"/control/issue", map[string]any{"url": f.srv.URL, "issueTo": issueTo, "document": readDocument(t)}, &sent))
	require.Equal(t, http.StatusNoContent, sent.Status, sent.Body)
	var responses []struct {
		Body    json.RawMessage `json:"body"`
		Problem string          `json:"problem"`
	}
	eventually(t, "the carrier's ISSU", func() bool {
		responses = nil
		httpJSON(t, http.MethodGet, carrierURL+"/control/issuance-responses", nil, &responses)
		return len(responses) == 1
	})
	require.Empty(t, responses[0].Problem, "the stand-in carrier found the response non-conformant")
	require.Contains(t, string(responses[0].Body), `"ISSU"`)

	// 2. PINT send: the shipper exports to the consignee on the stand-in platform.
	billID := "COS-COSU6385270140"
	f.chain.mu.Lock()
	f.chain.bills[billID].Status = cargotypes.BILL_STATUS_EXPORTING
	docHash := f.chain.bills[billID].DocumentHash
	f.chain.mu.Unlock()
	f.chain.emit(&cargotypes.EventBillExportRequested{BillId: billID, Holder: shipperAddr, Platform: peerCode, RecipientName: "Wave Consignee Ltd",
		RecipientCodes: []cargotypes.IdentifyingCode{{CodeListProvider: peerCode, PartyCode: "WC-1"}}, DocumentHash: docHash, HistoryLen: 2})
	eventually(t, "the export's conclusion", func() bool {
		b, _ := f.chain.Bill(context.Background(), billID)
		return b.Export != nil
	})
	b, _ := f.chain.Bill(context.Background(), billID)
	if j, err := pint.Parse(b.Export.SignedResponse); err == nil {
		t.Logf("the stand-in platform answered: %s", j.Payload)
	}
	require.Equal(t, "RECE", b.Export.ResponseCode, "the stand-in platform's answer")
	require.Equal(t, cargotypes.BILL_STATUS_EXPORTED, b.Status)

	// 3. PINT receive: the platform sends the bill on to a bank of this zone.
	var transferred json.RawMessage
	st := httpJSON(t, http.MethodPost, waveURL+"/control/transfer", map[string]any{"checksum": docHash,
		"recipient": map[string]any{"partyName": "Hong Kong Trade Bank", "eblPlatform": ownCode, "identifyingCodes": []pint.IdentifyingCode{{CodeListProvider: ownCode, PartyCode: "HKBANK"}}}}, &transferred)
	require.Equal(t, 200, st, string(transferred))
	require.Contains(t, string(transferred), "RECE", string(transferred))
	var imp *cargotypes.MsgImportBill
	for _, m := range f.chain.messages() {
		if v, ok := m.(*cargotypes.MsgImportBill); ok {
			imp = v
		}
	}
	require.NotNil(t, imp, "imported")
	require.Equal(t, bankAddr, imp.Recipient)
	require.Len(t, imp.TransferChain, 2, "the gateway's entry, then the platform's")

	// 4. Surrender API: the bank surrenders; the stand-in carrier receives the
	// endorsement chain, the imported transfer chain's transactions first.
	f.chain.mu.Lock()
	f.chain.bills[billID].Status = cargotypes.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY
	f.chain.bills[billID].Carrier = carrierAddr
	f.chain.mu.Unlock()
	f.chain.emit(&cargotypes.EventSurrenderRequested{BillId: billID, Holder: bankAddr, Purpose: cargotypes.SURRENDER_PURPOSE_DELIVERY, HistoryLen: 9})
	var srs []struct {
		Body    SurrenderRequest `json:"body"`
		Problem string           `json:"problem"`
	}
	eventually(t, "the carrier's surrender request", func() bool {
		srs = nil
		httpJSON(t, http.MethodGet, carrierURL+"/control/surrender-requests", nil, &srs)
		return len(srs) == 1
	})
	require.Empty(t, srs[0].Problem, "the stand-in carrier found the surrender request non-conformant")
	var codes []string
	for _, l := range srs[0].Body.EndorsementChain {
		codes = append(codes, l.ActionCode)
	}
	require.Equal(t, []string{"ISSUE", "ENDORSE_TO_ORDER", "TRANSFER", "TRANSFER"}, codes)
	var answered json.RawMessage
	require.Equal(t, 200, httpJSON(t, http.MethodPost, carrierURL+"/control/surrender-response", map[string]any{"url": f.srv.URL,
		"surrenderRequestReference": srs[0].Body.SurrenderRequestReference, "action": "SURR"}, &answered), string(answered))
	eventually(t, "the surrender accepted on the zone", func() bool {
		b, _ := f.chain.Bill(context.Background(), billID)
		return b.Status == cargotypes.BILL_STATUS_SURRENDERED_FOR_DELIVERY
	})
	fmt.Fprintln(io.Discard)
}
