package docstore

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"time"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// Prefix is where the gateway mounts the store.
const Prefix = "/docstore/v1/"

// DefaultMaxObjectSize bounds one document (trade documents are PDFs and
// JSON of a few MB; 32 MiB leaves room for scans).
const DefaultMaxObjectSize = 32 << 20

// Auth headers: the nonce of a challenge the server issued, the signer's
// bech32 address, its compressed secp256k1 public key and its ADR-036
// signature of the challenge text (both base64).
const (
	HeaderNonce     = "X-Docstore-Nonce"
	HeaderSigner    = "X-Docstore-Signer"
	HeaderPubKey    = "X-Docstore-Pubkey"
	HeaderSignature = "X-Docstore-Signature"
)

// Server is the document store's HTTP API.
type Server struct {
	Backend    Backend
	Keys       *Keyring
	Chain      Chain
	Challenges *Challenges
	Sessions   *Sessions
	MaxSize    int64
	Log        *slog.Logger
	now        func() time.Time
}

// NewServer assembles a store over backend, keys and chain.
func NewServer(backend Backend, keys *Keyring, chain Chain, log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	return &Server{
		Backend: backend, Keys: keys, Chain: chain, Log: log, MaxSize: DefaultMaxObjectSize,
		Challenges: NewChallenges(chain.ChainID(), chain.Gateway(), 2*time.Minute, 100000),
		Sessions:   NewSessions(SessionTTL, 100000),
		now:        time.Now,
	}
}

// Handler serves the API under Prefix.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+Prefix+"challenge", s.challenge)
	mux.HandleFunc("POST "+Prefix+"session", s.signIn)
	mux.HandleFunc("DELETE "+Prefix+"session", s.signOut)
	mux.HandleFunc("PUT "+Prefix+"documents/{hash}", s.upload)
	mux.HandleFunc("GET "+Prefix+"documents/{hash}", s.download)
	mux.HandleFunc("GET "+Prefix+"health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"chain_id": s.Chain.ChainID(), "gateway": s.Chain.Gateway(), "key": s.Keys.Current()})
	})
	return mux
}

type apiError struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, code, format string, a ...any) {
	writeJSON(w, status, apiError{Error: fmt.Sprintf(format, a...), Code: code})
}

func (s *Server) challenge(w http.ResponseWriter, _ *http.Request) {
	ch, err := s.Challenges.Issue()
	if errors.Is(err, ErrTooManyChallenges) {
		fail(w, http.StatusServiceUnavailable, "busy", "%v", err)
		return
	} else if err != nil {
		fail(w, http.StatusInternalServerError, "internal", "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, ch)
}

// authenticate redeems the request's challenge and checks its ADR-036
// signature, or takes the signer of its session (Authorization: Bearer,
// from POST session); it returns the signer, an active party of the zone
// (asked of the chain on every request, session or not).
func (s *Server) authenticate(r *http.Request) (cargotypes.Party, int, string, error) {
	var p cargotypes.Party
	if tok, ok := bearer(r); ok {
		signer, err := s.Sessions.Lookup(tok)
		if err != nil {
			return p, http.StatusUnauthorized, "session", err
		}
		return s.activeParty(r.Context(), signer)
	}
	nonce, signer := r.Header.Get(HeaderNonce), r.Header.Get(HeaderSigner)
	if nonce == "" || signer == "" || r.Header.Get(HeaderSignature) == "" || r.Header.Get(HeaderPubKey) == "" {
		return p, http.StatusUnauthorized, "auth_missing", fmt.Errorf("sign a challenge: POST %schallenge, sign its text with ADR-036 (signArbitrary on chain %s), send %s, %s, %s, %s",
			Prefix, s.Chain.ChainID(), HeaderNonce, HeaderSigner, HeaderPubKey, HeaderSignature)
	}
	ch, err := s.Challenges.Redeem(nonce)
	if err != nil {
		return p, http.StatusUnauthorized, "challenge", err
	}
	pub, err1 := base64.StdEncoding.DecodeString(r.Header.Get(HeaderPubKey))
	sig, err2 := base64.StdEncoding.DecodeString(r.Header.Get(HeaderSignature))
	if err1 != nil || err2 != nil {
		return p, http.StatusUnauthorized, "auth_encoding", errors.New("public key and signature must be base64")
	}
	if err := VerifyADR036(signer, pub, sig, []byte(ch.Text)); err != nil {
		return p, http.StatusUnauthorized, "signature", err
	}
	return s.activeParty(r.Context(), signer)
}

func (s *Server) activeParty(ctx context.Context, signer string) (cargotypes.Party, int, string, error) {
	p, err := s.Chain.Party(ctx, signer)
	if err != nil {
		return p, http.StatusForbidden, "not_a_party", fmt.Errorf("%s is not a party of %s: %v", signer, s.Chain.ChainID(), err)
	}
	if !p.Active {
		return p, http.StatusForbidden, "not_a_party", fmt.Errorf("%s (%s) is deactivated on %s", signer, p.Code, s.Chain.ChainID())
	}
	return p, 0, "", nil
}

func validHash(h string) bool { return cargotypes.ValidateHash("hash", h) == nil }

// ownsDocument says whether owner may upload hash: it has a live anchor of
// it, or hash is the transport document of a bill it is party to.
func (s *Server) ownsDocument(ctx context.Context, owner, hash string) error {
	res, err := s.Chain.Document(ctx, hash)
	if err != nil {
		return fmt.Errorf("%s is not anchored on %s: anchor it first (tx cargo anchor-document): %v", hash, s.Chain.ChainID(), err)
	}
	for _, a := range res.Anchors {
		if a.AnchoredBy == owner && !a.Withdrawn {
			return nil
		}
	}
	if d := res.Document; d.BillId != "" {
		if b, err := s.Chain.Bill(ctx, d.BillId); err == nil && b.DocumentHash == hash {
			if owner == b.Carrier || owner == b.Shipper || owner == b.Consignee || owner == b.Holder {
				return nil
			}
		}
	}
	return fmt.Errorf("%s has no live anchor of %s and is not party to a bill whose transport document it is: only a document's owner uploads it", owner, hash)
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	hash := r.PathValue("hash")
	if !validHash(hash) {
		fail(w, http.StatusBadRequest, "bad_hash", "want 64 lower-case hex characters (SHA-256), got %q", hash)
		return
	}
	if r.ContentLength > s.MaxSize {
		// Refused before the body is read.
		fail(w, http.StatusRequestEntityTooLarge, "too_large", "document is %d bytes; the limit is %d", r.ContentLength, s.MaxSize)
		return
	}
	p, status, code, err := s.authenticate(r)
	if err != nil {
		fail(w, status, code, "%v", err)
		return
	}
	if err := s.ownsDocument(r.Context(), p.Address, hash); err != nil {
		fail(w, http.StatusForbidden, "not_owner", "%v", err)
		return
	}
	body := http.MaxBytesReader(w, r.Body, s.MaxSize)
	bz, err := io.ReadAll(body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		fail(w, http.StatusRequestEntityTooLarge, "too_large", "document exceeds the limit of %d bytes", s.MaxSize)
		return
	} else if err != nil {
		fail(w, http.StatusBadRequest, "read", "reading the upload: %v", err)
		return
	}
	got, err := DocumentHash(bz)
	if err != nil {
		fail(w, http.StatusBadRequest, "bad_document", "%v", err)
		return
	}
	if got != hash {
		fail(w, http.StatusUnprocessableEntity, "hash_mismatch", "the bytes hash to %s, not %s (JSON documents hash as RFC 8785 canonical JSON, others as raw bytes)", got, hash)
		return
	}
	sealed, err := s.Keys.Seal(hash, bz)
	if err != nil {
		fail(w, http.StatusInternalServerError, "internal", "%v", err)
		return
	}
	if err := s.Backend.Put(r.Context(), Object{Hash: hash, Owner: p.Address, Sealed: sealed, Stored: s.now().UTC()}); err != nil {
		fail(w, http.StatusInternalServerError, "internal", "storing: %v", err)
		return
	}
	s.Log.Info("docstore upload", "hash", hash, "owner", p.Address, "size", len(bz))
	writeJSON(w, http.StatusCreated, map[string]any{"hash": hash, "size": len(bz), "owner": p.Address})
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	hash := r.PathValue("hash")
	if !validHash(hash) {
		fail(w, http.StatusBadRequest, "bad_hash", "want 64 lower-case hex characters (SHA-256), got %q", hash)
		return
	}
	consentID, err := strconv.ParseUint(r.URL.Query().Get("consent"), 10, 64)
	if err != nil || consentID == 0 {
		fail(w, http.StatusBadRequest, "consent_missing", "name the consent you read under: ?consent=<id> (tx cargo grant-consent by the owner)")
		return
	}
	p, status, code, err := s.authenticate(r)
	if err != nil {
		fail(w, status, code, "%v", err)
		return
	}
	cov, err := s.Chain.ConsentCovers(r.Context(), consentID, p.Address, hash)
	if err != nil {
		fail(w, http.StatusBadGateway, "chain", "asking %s about consent %d: %v", s.Chain.ChainID(), consentID, err)
		return
	}
	if !cov.Covered {
		s.Log.Info("docstore refused", "hash", hash, "grantee", p.Address, "consent", consentID, "reason", cov.Reason)
		fail(w, http.StatusForbidden, "consent", "%s", cov.Reason)
		return
	}
	obj, err := s.Backend.Get(r.Context(), hash)
	if errors.Is(err, ErrNotFound) {
		fail(w, http.StatusNotFound, "not_stored", "the owner has not uploaded %s to this zone's store", hash)
		return
	} else if err != nil {
		fail(w, http.StatusInternalServerError, "internal", "%v", err)
		return
	}
	pt, err := s.Keys.Open(hash, obj.Sealed)
	if err != nil {
		s.Log.Error("docstore object fails to open", "hash", hash, "err", err)
		fail(w, http.StatusInternalServerError, "integrity", "%v", err)
		return
	}
	// Record first; release only once the record is in a block.
	rec, err := s.Chain.RecordAccess(r.Context(), consentID, p.Address, hash)
	if err != nil {
		s.Log.Info("docstore access not recorded", "hash", hash, "grantee", p.Address, "consent", consentID, "err", err)
		fail(w, http.StatusForbidden, "not_recorded", "the chain refused the access record, so the document is not released: %v", err)
		return
	}
	s.Log.Info("docstore release", "hash", hash, "grantee", p.Address, "consent", consentID, "record", rec.RecordID, "height", rec.Height)
	sum := sha256.Sum256(pt)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(pt)))
	w.Header().Set("ETag", `"`+hash+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Docstore-Access-Record", strconv.FormatUint(rec.RecordID, 10))
	w.Header().Set("X-Docstore-Access-Height", strconv.FormatInt(rec.Height, 10))
	w.Header().Set("X-Docstore-Sha256", fmt.Sprintf("%x", sum))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(pt)
}

// Rekey re-seals every object not sealed under the current key; it returns
// how many it re-sealed.
func (s *Server) Rekey(ctx context.Context) (int, error) {
	n := 0
	cur := s.Keys.Current()
	err := s.Backend.Each(ctx, func(hash string) error {
		o, err := s.Backend.Get(ctx, hash)
		if err != nil {
			return err
		}
		if id, err := KeyOf(o.Sealed); err == nil && id == cur {
			return nil
		}
		pt, err := s.Keys.Open(hash, o.Sealed)
		if err != nil {
			return err
		}
		if o.Sealed, err = s.Keys.Seal(hash, pt); err != nil {
			return err
		}
		n++
		return s.Backend.Replace(ctx, o)
	})
	return n, err
}
