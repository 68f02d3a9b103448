package docstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// TestSessionSignIn: one ADR-036 sign-in per zone (the web app's SME page)
// buys a session token that reads under live consents like a signed request
// — the chain is asked and the release recorded on every read — and nothing
// else: not a second sign-in, not after sign-out or expiry, not on another
// zone's store, not for a signer that is not an active party.
func TestSessionSignIn(t *testing.T) {
	b, err := OpenBolt(filepath.Join(t.TempDir(), "docstore.db"))
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	z := newZone(t, b)
	const exporter, bank, bank2 = cargotestutil.Exporter, cargotestutil.Bank, cargotestutil.Bank2
	inv := mustHash(t, invoicePDF)
	code, body := z.upload(exporter, inv, invoicePDF)
	require.Equal(t, http.StatusCreated, code, body)
	consent := z.grant(exporter, bank, "*", 24*time.Hour)

	signIn := func(h http.Header) (int, Session, string) {
		code, bz, _ := do(t, http.MethodPost, z.http.URL+Prefix+"session", h, nil)
		var s Session
		if code == http.StatusOK {
			require.NoError(t, json.Unmarshal(bz, &s))
		}
		return code, s, string(bz)
	}
	bearerOf := func(tok string) http.Header { h := http.Header{}; h.Set(HeaderAuthorization, "Bearer "+tok); return h }
	read := func(h http.Header, c uint64) (int, []byte, http.Header) {
		return do(t, http.MethodGet, fmt.Sprintf("%s%sdocuments/%s?consent=%d", z.http.URL, Prefix, inv, c), h, nil)
	}

	signed := auth(t, z.http.URL, z.acc(bank))
	code, s, body := signIn(signed)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, z.acc(bank).String(), s.Signer)
	require.Equal(t, z.a.c.ChainID, s.ChainID)
	require.Len(t, s.Token, 64)
	require.WithinDuration(t, time.Now().Add(SessionTTL), s.ExpiresAt, 5*time.Second)

	// The challenge was spent by the sign-in.
	code, _, body = signIn(signed)
	require.Equal(t, http.StatusUnauthorized, code, body)
	require.Contains(t, body, "already used")
	// A session does not open another.
	code, _, body = signIn(bearerOf(s.Token))
	require.Equal(t, http.StatusBadRequest, code, body)

	// Two reads with one sign-in; each recorded on chain before release.
	for i := 0; i < 2; i++ {
		code, bz, h := read(bearerOf(s.Token), consent)
		require.Equal(t, http.StatusOK, code, string(bz))
		require.True(t, bytes.Equal(invoicePDF, bz))
		require.NotEmpty(t, h.Get("X-Docstore-Access-Record"))
	}
	recs, err := appQuery{a: z.a}.AccessRecords(context.Background(), &cargotypes.QueryAccessRecordsRequest{Owner: z.acc(exporter).String()})
	require.NoError(t, err)
	require.Len(t, recs.Records, 2)
	require.Equal(t, z.acc(bank).String(), recs.Records[1].Grantee)

	// The consent still gates: another grantee's session reads nothing.
	code, s2, body := signIn(auth(t, z.http.URL, z.acc(bank2)))
	require.Equal(t, http.StatusOK, code, body)
	code, bz, _ := read(bearerOf(s2.Token), consent)
	require.Equal(t, http.StatusForbidden, code, string(bz))
	require.Contains(t, string(bz), "was granted to")

	// Revocation: the session's next read is refused.
	z.a.deliver(t, exporter, &cargotypes.MsgRevokeConsent{Granter: z.acc(exporter).String(), ConsentId: consent})
	code, bz, _ = read(bearerOf(s.Token), consent)
	require.Equal(t, http.StatusForbidden, code, string(bz))
	require.Contains(t, string(bz), "revoked")

	// Unknown tokens: made up, or another zone's store's.
	code, bz, _ = read(bearerOf("00"+s.Token[2:]), consent)
	require.Equal(t, http.StatusUnauthorized, code, string(bz))
	other := httptest.NewServer(NewServer(b, z.srv.Keys, z.srv.Chain, nil).Handler())
	t.Cleanup(other.Close)
	code, bz, _ = do(t, http.MethodGet, fmt.Sprintf("%s%sdocuments/%s?consent=%d", other.URL, Prefix, inv, consent), bearerOf(s.Token), nil)
	require.Equal(t, http.StatusUnauthorized, code, string(bz))
	require.Contains(t, string(bz), "unknown or expired session")

	// A signer that is not an active party of the zone cannot sign in.
	code, _, body = signIn(auth(t, z.http.URL, z.acc(cargotestutil.Retired)))
	require.Equal(t, http.StatusForbidden, code, body)
	require.Contains(t, body, "deactivated")

	// Expiry and sign-out.
	z.srv.Sessions.now = func() time.Time { return time.Now().Add(SessionTTL + time.Second) }
	code, bz, _ = read(bearerOf(s2.Token), consent)
	require.Equal(t, http.StatusUnauthorized, code, string(bz))
	require.Contains(t, string(bz), "expired")
	z.srv.Sessions.now = time.Now
	code, s3, body := signIn(auth(t, z.http.URL, z.acc(bank)))
	require.Equal(t, http.StatusOK, code, body)
	code, _, _ = do(t, http.MethodDelete, z.http.URL+Prefix+"session", bearerOf(s3.Token), nil)
	require.Equal(t, http.StatusNoContent, code)
	code, bz, _ = read(bearerOf(s3.Token), consent)
	require.Equal(t, http.StatusUnauthorized, code, string(bz))
}
