package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tradechain/tradechain/x/cargo/dcsa"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// The corridor endpoints let the gateway of one zone give the gateway of the
// corridor's other zone what a bill that moved between them by IBC left
// behind: the PINT transfer chain it was imported with (its envelope stays
// with the zone that imported it) and its transport document and carrier's
// issuance manifest. Nothing fetched is trusted: the receiving gateway
// checks every transfer chain entry against the checksums its own zone holds
// in the bill's hash-linked history (the IMPORTED entry the IBC packet
// carried), the document against the bill's on-chain document hash, and the
// issuance manifest against the carrier's keys.
//
// A request is signed by the asking gateway: a compact JWS with
// {"iss": platform code, "htm": method, "htu": path, "iat": unix seconds}
// in the Authorization header (scheme "PINT-JWS"), by a key of the JWKS its
// zone's code has on this zone's chain (the corridor's other zone is a
// trusted EblPlatform), and iss must be a configured corridor peer.

const (
	corridorAuthScheme = "PINT-JWS "
	corridorAuthMaxAge = 5 * time.Minute
	// pImportedChain caches transfer chains fetched from a corridor peer,
	// by last entry checksum (already checked against the zone's history).
	pImportedChain = "pimp/"
)

// corridorAuth is the payload of a corridor request's JWS.
type corridorAuth struct {
	Iss string `json:"iss"`
	Htm string `json:"htm"`
	Htu string `json:"htu"`
	Iat int64  `json:"iat"`
}

// CorridorEnvelope is the answer of GET /corridor/v1/pint-envelopes/{checksum}.
type CorridorEnvelope struct {
	BillID                        string   `json:"billId"`
	Platform                      string   `json:"platform"`
	EnvelopeManifestSignedContent string   `json:"envelopeManifestSignedContent"`
	EnvelopeTransferChain         []string `json:"envelopeTransferChain"`
}

// CorridorDocument is the answer of GET /corridor/v1/transport-documents/{checksum}.
type CorridorDocument struct {
	Document                      json.RawMessage     `json:"document"`
	IssuanceManifestSignedContent string              `json:"issuanceManifestSignedContent,omitempty"`
	EBLVisualisationByCarrier     *SupportingDocument `json:"eBLVisualisationByCarrier,omitempty"`
}

// authenticatePeer checks a corridor request's signature; it answers the
// refusal itself and returns false.
func (g *Gateway) authenticatePeer(w http.ResponseWriter, r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if !strings.HasPrefix(h, corridorAuthScheme) {
		writeError(w, r, http.StatusUnauthorized, "A corridor request is signed by the asking gateway",
			detail(CodeBadSignature, "Not signed", "send Authorization: PINT-JWS <compact JWS of {iss, htm, htu, iat}> signed with your gateway's key"))
		return "", false
	}
	jws, err := pint.Parse(strings.TrimPrefix(h, corridorAuthScheme))
	var claims corridorAuth
	if err == nil {
		err = pint.Decode(jws.Payload, &claims)
	}
	if err != nil {
		writeError(w, r, http.StatusUnauthorized, "The request's signature is malformed", detail(CodeBadSignature, "Bad signature", err.Error()))
		return "", false
	}
	peer := false
	for _, p := range g.cfg.CorridorPeers {
		peer = peer || p.PlatformCode == claims.Iss
	}
	if !peer {
		writeError(w, r, http.StatusForbidden, "Not a gateway of this corridor",
			detail(CodeUnknownPlatform, "Unknown platform", fmt.Sprintf("%q is not a corridor peer of the %s gateway (corridor-peers)", claims.Iss, g.chain.ChainID())))
		return "", false
	}
	platform, err := g.chain.EblPlatform(r.Context(), claims.Iss)
	if errors.Is(err, ErrNotFound) {
		writeError(w, r, http.StatusForbidden, "The peer's keys are not on chain",
			detail(CodeUnknownPlatform, "Unknown platform", fmt.Sprintf("platform %s is not trusted on zone %s: the zone authority records it (set-ebl-platform)", claims.Iss, g.chain.ChainID())))
		return "", false
	}
	if err != nil {
		writeError(w, r, http.StatusServiceUnavailable, "The zone cannot be read now; retry", detail(CodeUnavailable, "Zone unavailable", err.Error()))
		return "", false
	}
	keys, err := pint.ParseJWKS([]byte(platform.Jwks))
	if err == nil {
		err = jws.VerifyWith(keys)
	}
	if err != nil {
		writeError(w, r, http.StatusForbidden, "The request's signature does not verify",
			detail(CodeBadSignature, "Bad signature", fmt.Sprintf("not signed by a key of %s's on-chain JWKS: %v", claims.Iss, err)))
		return "", false
	}
	age := time.Since(time.Unix(claims.Iat, 0))
	if claims.Htm != r.Method || claims.Htu != r.URL.Path || age > corridorAuthMaxAge || age < -corridorAuthMaxAge {
		writeError(w, r, http.StatusForbidden, "The signature is not for this request",
			detail(CodeBadSignature, "Bad signature", "htm/htu must name this request and iat be within 5 minutes of now"))
		return "", false
	}
	return claims.Iss, true
}

// handleCorridorEnvelope is GET /corridor/v1/pint-envelopes/{checksum}: the
// transfer chain of an envelope this zone imported (as its chain keeps it).
func (g *Gateway) handleCorridorEnvelope(w http.ResponseWriter, r *http.Request) {
	if _, ok := g.authenticatePeer(w, r); !ok {
		return
	}
	sum := r.PathValue("checksum")
	res, err := g.chain.PintEnvelope(r.Context(), sum)
	if err == nil {
		writeJSON(w, http.StatusOK, CorridorEnvelope{BillID: res.Envelope.BillId, Platform: res.Envelope.Platform,
			EnvelopeManifestSignedContent: res.Envelope.EnvelopeManifest, EnvelopeTransferChain: res.Envelope.TransferChain})
		return
	}
	if !errors.Is(err, ErrNotFound) {
		writeError(w, r, http.StatusServiceUnavailable, "The zone cannot be read now; retry", detail(CodeUnavailable, "Zone unavailable", err.Error()))
		return
	}
	// A chain this gateway fetched (and checked) itself: a bill that went on.
	var cached CorridorEnvelope
	if g.store.Get(pImportedChain+sum, &cached) == nil {
		writeJSON(w, http.StatusOK, cached)
		return
	}
	writeError(w, r, http.StatusNotFound, "No such envelope", detail(CodeNotFound, "Not found", "zone "+g.chain.ChainID()+" imported no PINT envelope whose last entry checksum is "+sum))
}

// handleCorridorDocument is GET /corridor/v1/transport-documents/{checksum}:
// the transport document and, for a bill issued or lodged here, the
// carrier's issuance manifest and visualisation.
func (g *Gateway) handleCorridorDocument(w http.ResponseWriter, r *http.Request) {
	if _, ok := g.authenticatePeer(w, r); !ok {
		return
	}
	sum := r.PathValue("checksum")
	doc, err := g.store.GetRaw(pTransportDoc + sum)
	if errors.Is(err, ErrNotFound) {
		writeError(w, r, http.StatusNotFound, "No such transport document", detail(CodeNotFound, "Not found", "the "+g.chain.ChainID()+" gateway holds no transport document "+sum))
		return
	}
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "The store cannot be read", detail(CodeInternal, "Internal error", err.Error()))
		return
	}
	out := CorridorDocument{Document: doc}
	if iss, ok := g.heldIssuance(sum); ok {
		out.IssuanceManifestSignedContent, out.EBLVisualisationByCarrier = iss.IssuanceManifest, iss.Visualisation
	}
	writeJSON(w, http.StatusOK, out)
}

// corridorGet asks each corridor peer in turn for path and decodes the first
// 200 answer into out; ErrNotFound when no peer has it.
func (g *Gateway) corridorGet(ctx context.Context, path string, out any) (string, error) {
	if len(g.cfg.CorridorPeers) == 0 {
		return "", fmt.Errorf("%w: no corridor-peers configured (the gateway of the corridor's other zone)", ErrNotFound)
	}
	var errs []string
	for _, p := range g.cfg.CorridorPeers {
		auth, err := g.key.Signer.SignJSON(corridorAuth{Iss: g.cfg.PlatformCode, Htm: http.MethodGet, Htu: path, Iat: time.Now().Unix()})
		if err != nil {
			return "", err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(p.URL, "/")+path, nil)
		if err != nil {
			return "", err
		}
		req.Header.Set("Authorization", corridorAuthScheme+auth)
		res, err := g.http.Do(req)
		if err != nil {
			errs = append(errs, p.PlatformCode+": "+err.Error())
			continue
		}
		raw, err := io.ReadAll(io.LimitReader(res.Body, g.cfg.MaxEnvelopeBytes+2*g.cfg.MaxDocumentBytes))
		res.Body.Close()
		switch {
		case err != nil:
			errs = append(errs, p.PlatformCode+": "+err.Error())
		case res.StatusCode == http.StatusOK:
			if err := json.Unmarshal(raw, out); err != nil {
				errs = append(errs, p.PlatformCode+": "+err.Error())
				continue
			}
			return p.PlatformCode, nil
		case res.StatusCode == http.StatusNotFound:
			errs = append(errs, p.PlatformCode+": not found")
		default:
			errs = append(errs, fmt.Sprintf("%s: %d %s", p.PlatformCode, res.StatusCode, clip(strings.TrimSpace(string(raw)), 300)))
		}
	}
	return "", fmt.Errorf("%w at the corridor peers: %s", ErrNotFound, strings.Join(errs, "; "))
}

// importedChain is the transfer chain a bill last arrived with over PINT.
type importedChain struct {
	Platform      string
	Sequence      uint64 // the IMPORTED entry's history sequence
	Zone          string // where it was imported
	TransferChain []string
}

// importedTransferChain finds the bill's last IMPORTED history entry and the
// transfer chain it names: from this zone's chain when it imported the
// bill, else from a corridor peer. Either way every entry is checked against
// the checksums in that history entry, which the zone's hash-linked history
// binds to the bill's head (for a bill that came over IBC, the head the
// packet proved). A bill never imported has none (nil).
func (g *Gateway) importedTransferChain(ctx context.Context, bill *cargotypes.Bill) (*importedChain, error) {
	history, err := g.chain.BillHistory(ctx, bill.Id)
	if err != nil {
		return nil, err
	}
	at := -1
	for i, e := range history {
		if e.Action == cargotypes.ActionImported && e.Pint != nil {
			at = i
		}
	}
	if at < 0 {
		return nil, nil
	}
	// The IMPORTED entry and every later one link up to the bill's head.
	var v cargotypes.HistoryVerifier
	for i, e := range history[at:] {
		if i > 0 && e.Sequence != history[at+i-1].Sequence+1 {
			return nil, fmt.Errorf("bill %s's history on zone %s has a gap after its IMPORTED entry %d: the imported transfer chain cannot be bound to the bill", bill.Id, g.chain.ChainID(), history[at].Sequence)
		}
		if err := v.Next(e); err != nil {
			return nil, err
		}
	}
	if err := v.Finish(*bill); err != nil {
		return nil, err
	}
	entry := history[at]
	rec := entry.Pint
	out := &importedChain{Platform: rec.Platform, Sequence: entry.Sequence, Zone: entry.ChainId}
	if env, err := g.chain.PintEnvelope(ctx, rec.LastEntryChecksum); err == nil && env.Envelope.BillId == bill.Id {
		out.TransferChain = env.Envelope.TransferChain
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if out.TransferChain == nil {
		var cached CorridorEnvelope
		if g.store.Get(pImportedChain+rec.LastEntryChecksum, &cached) == nil {
			out.TransferChain = cached.EnvelopeTransferChain
		}
	}
	if out.TransferChain != nil {
		if err := checkTransferChain(out.TransferChain, rec); err != nil {
			return nil, fmt.Errorf("bill %s: %w", bill.Id, err)
		}
		return out, nil
	}
	var fetched CorridorEnvelope
	from, err := g.corridorGet(ctx, "/corridor/v1/pint-envelopes/"+rec.LastEntryChecksum, &fetched)
	if err != nil {
		return nil, fmt.Errorf("bill %s was imported over PINT on zone %s (last entry %s), and its transfer chain is not on zone %s: %w", bill.Id, entry.ChainId, rec.LastEntryChecksum, g.chain.ChainID(), err)
	}
	if err := checkTransferChain(fetched.EnvelopeTransferChain, rec); err != nil {
		return nil, fmt.Errorf("the transfer chain corridor peer %s gave for bill %s is refused: %w", from, bill.Id, err)
	}
	fetched.BillID = bill.Id
	if err := g.store.Update(func(b *Batch) error { b.Put(pImportedChain+rec.LastEntryChecksum, fetched); return nil }); err != nil {
		return nil, err
	}
	g.log.Info("imported transfer chain fetched from the corridor", "bill", bill.Id, "peer", from, "entries", len(fetched.EnvelopeTransferChain))
	out.TransferChain = fetched.EnvelopeTransferChain
	return out, nil
}

// checkTransferChain checks a transfer chain against the checksums the
// zone's IMPORTED history entry holds: the same number of entries, each
// entry's SHA-256 the one recorded, the last the envelope's identity.
func checkTransferChain(chain []string, rec *cargotypes.PintRecord) error {
	if len(chain) == 0 || len(chain) != len(rec.EntryChecksums) {
		return fmt.Errorf("transfer chain has %d entries; the zone's history records %d", len(chain), len(rec.EntryChecksums))
	}
	for i, e := range chain {
		if got := pint.Checksum(e); got != rec.EntryChecksums[i] {
			return fmt.Errorf("transfer chain entry %d has checksum %s; the zone's history records %s", i, got, rec.EntryChecksums[i])
		}
	}
	if rec.EntryChecksums[len(chain)-1] != rec.LastEntryChecksum {
		return fmt.Errorf("the zone's history names last entry %s, not the chain's last", rec.LastEntryChecksum)
	}
	return nil
}

// transportDocument returns the bill's DCSA transport document: held by this
// gateway, or fetched from a corridor peer and checked against the bill's
// on-chain document hash. A peer's issuance manifest comes with it, checked
// as a lodged one is (the carrier's keys, this document).
func (g *Gateway) transportDocument(ctx context.Context, bill *cargotypes.Bill) (json.RawMessage, error) {
	doc, err := g.store.GetRaw(pTransportDoc + bill.DocumentHash)
	if err == nil {
		return doc, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	var fetched CorridorDocument
	from, err := g.corridorGet(ctx, "/corridor/v1/transport-documents/"+bill.DocumentHash, &fetched)
	if err != nil {
		return nil, err
	}
	sum, err := dcsa.Hash(fetched.Document)
	if err != nil || sum != bill.DocumentHash {
		return nil, fmt.Errorf("the transport document corridor peer %s gave for bill %s does not hash to the bill's document hash %s", from, bill.Id, bill.DocumentHash)
	}
	var lodged *lodgedIssuance
	if fetched.IssuanceManifestSignedContent != "" {
		var problems []DetailedError
		lodged, _, problems, err = g.verifyLodging(ctx, bill, fetched.Document, fetched.IssuanceManifestSignedContent, nil, fetched.EBLVisualisationByCarrier)
		if err != nil {
			return nil, err
		}
		if len(problems) > 0 {
			g.log.Warn("issuance manifest from a corridor peer refused", "bill", bill.Id, "peer", from, "why", problems[0].ErrorCodeMessage)
			lodged = nil
		} else {
			lodged.Source = "corridor:" + from
		}
	}
	err = g.store.Update(func(b *Batch) error {
		b.PutRaw(pTransportDoc+sum, fetched.Document)
		if lodged != nil {
			if _, held := g.heldIssuance(sum); !held {
				b.Put(pLodged+sum, lodged)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	g.log.Info("transport document fetched from the corridor", "bill", bill.Id, "peer", from, "issuance_manifest", lodged != nil)
	return fetched.Document, nil
}
