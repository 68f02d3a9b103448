package docstore

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
)

// A session is what one ADR-036 sign-in buys: a browser (the web app's SME
// page) signs one challenge per zone — one Keplr prompt — and reads the
// documents it is consented to with the token it gets back, instead of
// signing a challenge for every request. The token stands for the signer
// only: every read still asks the chain whether a live consent covers it and
// records the release on chain before the bytes go out. Tokens are random
// 256-bit values, kept in memory as their SHA-256 (a restart signs everyone
// out), valid for SessionTTL, for this zone's store only.

// SessionTTL is how long a sign-in lasts.
const SessionTTL = 15 * time.Minute

// HeaderAuthorization carries "Bearer <token>" of a session.
const HeaderAuthorization = "Authorization"

// Session is the answer to a sign-in.
type Session struct {
	Token     string    `json:"token"`
	Signer    string    `json:"signer"`
	Party     string    `json:"party"` // the signer's party code on this zone
	ChainID   string    `json:"chain_id"`
	Gateway   string    `json:"gateway"`
	ExpiresAt time.Time `json:"expires_at"`
}

type sessionEntry struct {
	signer  string
	expires time.Time
}

// Sessions holds the live sign-ins of one store.
type Sessions struct {
	ttl  time.Duration
	max  int
	now  func() time.Time
	mu   sync.Mutex
	open map[[32]byte]sessionEntry
}

// NewSessions keeps at most max sessions, each valid ttl.
func NewSessions(ttl time.Duration, max int) *Sessions {
	return &Sessions{ttl: ttl, max: max, now: time.Now, open: map[[32]byte]sessionEntry{}}
}

// ErrTooManySessions: the store holds the maximum of live sessions.
var ErrTooManySessions = errors.New("too many live sessions: try again shortly, or sign each request (X-Docstore-* headers)")

// Open starts a session for signer and returns its token and expiry.
func (s *Sessions) Open(signer string) (string, time.Time, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", time.Time{}, err
	}
	now := s.now()
	exp := now.Add(s.ttl).UTC().Truncate(time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.open) >= s.max {
		for k, e := range s.open {
			if !now.Before(e.expires) {
				delete(s.open, k)
			}
		}
		if len(s.open) >= s.max {
			return "", time.Time{}, ErrTooManySessions
		}
	}
	tok := hex.EncodeToString(b[:])
	s.open[sha256.Sum256([]byte(tok))] = sessionEntry{signer: signer, expires: exp}
	return tok, exp, nil
}

// Lookup returns the signer of a live session token.
func (s *Sessions) Lookup(token string) (string, error) {
	k := sha256.Sum256([]byte(token))
	s.mu.Lock()
	e, ok := s.open[k]
	if ok && !s.now().Before(e.expires) {
		delete(s.open, k)
		ok = false
	}
	s.mu.Unlock()
	if !ok {
		return "", errors.New("unknown or expired session: sign in again (POST /docstore/v1/session with a signed challenge)")
	}
	return e.signer, nil
}

// Close ends a session (sign-out); an unknown token is not an error.
func (s *Sessions) Close(token string) {
	s.mu.Lock()
	delete(s.open, sha256.Sum256([]byte(token)))
	s.mu.Unlock()
}

// bearer returns the session token of r, if it carries one.
func bearer(r *http.Request) (string, bool) {
	v := r.Header.Get(HeaderAuthorization)
	if v == "" {
		return "", false
	}
	tok, ok := strings.CutPrefix(v, "Bearer ")
	return strings.TrimSpace(tok), ok
}

// signIn: POST /docstore/v1/session with a signed challenge (the X-Docstore-*
// headers) opens a session for the signer, an active party of the zone.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	if _, ok := bearer(r); ok {
		fail(w, http.StatusBadRequest, "auth_missing", "sign in with a signed challenge (X-Docstore-* headers), not with a session")
		return
	}
	p, status, code, err := s.authenticate(r)
	if err != nil {
		fail(w, status, code, "%v", err)
		return
	}
	tok, exp, err := s.Sessions.Open(p.Address)
	if errors.Is(err, ErrTooManySessions) {
		fail(w, http.StatusServiceUnavailable, "busy", "%v", err)
		return
	} else if err != nil {
		fail(w, http.StatusInternalServerError, "internal", "%v", err)
		return
	}
	s.Log.Info("docstore sign-in", "signer", p.Address, "party", p.Code, "expires", exp)
	writeJSON(w, http.StatusOK, Session{Token: tok, Signer: p.Address, Party: p.Code, ChainID: s.Chain.ChainID(), Gateway: s.Chain.Gateway(), ExpiresAt: exp})
}

// signOut: DELETE /docstore/v1/session ends the request's session.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	tok, ok := bearer(r)
	if !ok {
		fail(w, http.StatusBadRequest, "auth_missing", "send the session to end: %s: Bearer <token>", HeaderAuthorization)
		return
	}
	s.Sessions.Close(tok)
	w.WriteHeader(http.StatusNoContent)
}
