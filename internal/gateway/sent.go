package gateway

import (
	"encoding/json"
	"net/http"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// sentExport is what the gateway publishes of an envelope it sent for a
// bill: the signed transfer chain and manifest, never the transport document
// or additional documents. The chain keeps only the last entry's checksum of
// an export (BillExport.last_entry_checksum, the EXPORT_ACCEPTED /
// EXPORT_REFUSED history entry); these entries are what that checksum names,
// so a reader re-hashes them and checks them against the chain, trusting
// the gateway for nothing. (Entries of an import are on chain already:
// PintEnvelope.)
type sentExport struct {
	BillID            string `json:"bill_id"`
	HistoryLen        uint64 `json:"history_len"`
	Platform          string `json:"platform"`
	RecipientName     string `json:"recipient_name"`
	State             string `json:"state"`
	LastEntryChecksum string `json:"last_entry_checksum"`
	// EnvelopeManifest is the EnvelopeManifestSignedContent (JWS compact);
	// TransferChain the EnvelopeTransferChainEntrySignedContent strings,
	// oldest first; both empty until the envelope is built.
	EnvelopeManifest string   `json:"envelope_manifest"`
	TransferChain    []string `json:"transfer_chain"`
	ResponseCode     string   `json:"response_code"`
	Reason           string   `json:"reason"`
	// SignedResponse is the receiving platform's signed answer, verbatim.
	SignedResponse string `json:"signed_response"`
}

// handleBillExports serves GET /corridor/v1/bills/{id}/exports: every
// export of the bill this gateway built, oldest first.
func (g *Gateway) handleBillExports(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := cargotypes.ValidateBillID(id); err != nil {
		writeError(w, r, http.StatusBadRequest, "Invalid bill id", detail(CodeMalformed, "Invalid bill id", err.Error()))
		return
	}
	out := []sentExport{}
	// Keys are exp/<bill id>/<history length>; a bill id holds no "/".
	err := g.store.Iterate(pExport+id+"/", func(_ string, v []byte) (bool, error) {
		var rec exportRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return false, err
		}
		e := sentExport{BillID: rec.BillID, HistoryLen: rec.HistoryLen, Platform: rec.Platform, RecipientName: rec.RecipientName,
			State: rec.State, LastEntryChecksum: rec.LastEntryChecksum, TransferChain: []string{},
			ResponseCode: string(rec.ResponseCode), Reason: rec.Reason, SignedResponse: rec.SignedResponse}
		if rec.Envelope != nil {
			e.EnvelopeManifest, e.TransferChain = rec.Envelope.EnvelopeManifestSignedContent, rec.Envelope.EnvelopeTransferChain
		}
		out = append(out, e)
		return true, nil
	})
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "The gateway's store could not be read", detail(CodeInternal, "Store error", err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"chain_id": g.chain.ChainID(), "platform_code": g.cfg.PlatformCode, "exports": out})
}
