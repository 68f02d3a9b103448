package lightproof_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/tradechain/tradechain/internal/lightproof"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

const docHash = "8f14e45fceea167a5a36dedd4bea2543b2c5d3f8e8a1b7c9d0e1f2a3b4c5d6e7"

// fixture: a zone of four validators with one bill issued to the exporter.
type fixture struct {
	t      *testing.T
	z      *zone
	billID string
}

func newFixture(t *testing.T) *fixture {
	z := newZone(t, pvs("hk-val", 4))
	f := &fixture{t: t, z: z}
	z.block(func() {
		carrier := z.chain.Accounts[cargotestutil.Carrier]
		r := z.chain.MustDeliver(carrier, &types.MsgIssueBill{
			Carrier: carrier.String(), TransportDocumentReference: "COSU6385270140",
			Type: types.BILL_TYPE_BOL, Mode: types.BILL_MODE_TO_ORDER, IssueTo: f.addr(cargotestutil.Exporter),
			DocumentHash: docHash, PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG",
			IssueDate: "2026-05-03", ShippedOnBoardDate: "2026-05-03",
		})
		require.NotNil(t, r)
	})
	f.billID = types.BillID("COS", "COSU6385270140")
	return f
}

func (f *fixture) addr(i int) string { return f.z.chain.Accounts[i].String() }

// now is a verifier clock a minute after the zone's last header.
func (f *fixture) now() time.Time { return f.z.headers[f.z.latest()].Time.Add(time.Minute) }

// root pins the zone's first header.
func (f *fixture) root() *lightproof.TrustRoot {
	sh := f.z.headers[f.z.first]
	return &lightproof.TrustRoot{ChainID: f.z.chainID, Height: sh.Height, Hash: hex.EncodeToString(sh.Hash())}
}

func (f *fixture) opts() lightproof.Options { return lightproof.Options{Now: f.now()} }

func (f *fixture) prove(kind string, s lightproof.Subject, height int64) *lightproof.Bundle {
	f.t.Helper()
	b, err := lightproof.Prove(context.Background(), node{f.z}, kind, s, lightproof.ProveOptions{Height: height, TrustRoot: f.root(), Verify: f.opts()})
	require.NoError(f.t, err)
	// What is handed over is the JSON: go through it.
	bz, err := b.Encode()
	require.NoError(f.t, err)
	parsed, err := lightproof.ParseBytes(bz)
	require.NoError(f.t, err)
	return parsed
}

func (f *fixture) transfer() {
	f.z.block(func() {
		f.z.chain.MustDeliver(f.z.chain.Accounts[cargotestutil.Exporter], &types.MsgEndorseBill{
			Holder: f.addr(cargotestutil.Exporter), BillId: f.billID, Endorsee: f.addr(cargotestutil.Importer)})
	})
}

func refused(t *testing.T, err error, want *errorsmod.Error, contains string) {
	t.Helper()
	require.Error(t, err, "a lie verified")
	require.Truef(t, want.Is(err), "want %v, got %v", want, err)
	require.Contains(t, err.Error(), contains)
}

func TestProveAndVerifyBill(t *testing.T) {
	f := newFixture(t)
	b := f.prove(lightproof.KindBill, lightproof.Subject{BillID: f.billID}, 0)
	bz, err := b.Encode()
	require.NoError(t, err)
	t.Logf("bundle for one bill, 4 validators: %d bytes", len(bz))
	require.LessOrEqual(t, len(bz), 16<<10, "a bundle for one bill must be at most 16 KB")

	start := time.Now()
	res, err := lightproof.Verify(b, f.root(), f.opts())
	t.Logf("verify: %s", time.Since(start))
	require.NoError(t, err)
	bill, ok := res.Record.(*types.Bill)
	require.True(t, ok)
	require.Equal(t, f.addr(cargotestutil.Exporter), bill.Holder)
	require.Equal(t, types.BILL_STATUS_ISSUED, bill.Status)
	require.Equal(t, 4, res.Signed)
	require.Equal(t, 4, res.Validators)
	require.Equal(t, f.z.chain.App.LastBlockHeight(), res.Height)
	require.Contains(t, res.Summary(), "proved against hongkong-1's validators at height")
	require.Contains(t, res.Summary(), "4 of 4 signatures")
	require.Contains(t, res.Summary(), "holder "+f.addr(cargotestutil.Exporter))
}

func TestProveDocumentRegistryConsent(t *testing.T) {
	f := newFixture(t)
	exporter := f.addr(cargotestutil.Exporter)
	inv := strings.Repeat("ab", 32)
	f.z.block(func() {
		f.z.chain.MustDeliver(f.z.chain.Accounts[cargotestutil.Exporter],
			&types.MsgAnchorDocument{Owner: exporter, Hash: inv, DocType: "COMMERCIAL_INVOICE", BillId: f.billID},
			&types.MsgGrantConsent{Granter: exporter, Grantee: f.addr(cargotestutil.Bank), Scope: f.billID,
				Purpose: "LC document examination", ExpiresAt: f.z.chain.Time.Add(30 * 24 * time.Hour)})
	})
	for _, tc := range []struct {
		kind  string
		s     lightproof.Subject
		check func(r *lightproof.Result)
	}{
		{lightproof.KindDocument, lightproof.Subject{Hash: docHash}, func(r *lightproof.Result) {
			d := r.Record.(*types.Document)
			require.Equal(t, f.billID, d.BillId)
			require.Contains(t, r.Summary(), "ANCHORED: document "+docHash)
		}},
		{lightproof.KindDocument, lightproof.Subject{Hash: inv, Anchorer: exporter}, func(r *lightproof.Result) {
			require.Equal(t, "COMMERCIAL_INVOICE", r.Record.(*types.Document).DocType)
		}},
		{lightproof.KindRegistry, lightproof.Subject{KeyKind: "KEY_KIND_BILL", Key: types.BillKeyOf(f.billID), Identity: types.BillIdentityOf(f.billID)}, func(r *lightproof.Result) {
			require.Equal(t, f.billID, r.Record.(*types.RegistryKey).Reference)
			require.Equal(t, types.BillKeyOf(f.billID), r.Record.(*types.RegistryKey).Key)
		}},
		{lightproof.KindRegistry, lightproof.Subject{KeyKind: "KEY_KIND_TRANSPORT_DOCUMENT", Key: docHash}, func(r *lightproof.Result) {
			// The registry part of the document's record (one record by hash).
			rk := r.Record.(*types.RegistryKey)
			require.Equal(t, f.billID, rk.Reference)
			require.Equal(t, types.KEY_KIND_TRANSPORT_DOCUMENT, rk.Kind)
			require.Equal(t, docHash, rk.Key)
		}},
		{lightproof.KindConsent, lightproof.Subject{ConsentID: "1"}, func(r *lightproof.Result) {
			require.Equal(t, f.addr(cargotestutil.Bank), r.Record.(*types.Consent).Grantee)
		}},
		{lightproof.KindDocument, lightproof.Subject{Hash: inv}, func(r *lightproof.Result) {
			// A party's anchor is not a bill's transport document.
			require.False(t, r.Present())
			require.Contains(t, r.Summary(), "NOT ANCHORED")
		}},
	} {
		t.Run(tc.kind+" "+tc.s.Hash+tc.s.Key+tc.s.ConsentID, func(t *testing.T) {
			res, err := lightproof.Verify(f.prove(tc.kind, tc.s, 0), f.root(), f.opts())
			require.NoError(t, err)
			tc.check(res)
		})
	}
}

// A bill's identity is proved under the text its key hashes: an identity
// that does not hash to the key is refused before anything is asked.
func TestRegistryBillIdentityChecked(t *testing.T) {
	key := types.BillKeyOf("COSU-6385270140")
	_, err := lightproof.ExpectedKey(lightproof.KindRegistry, lightproof.Subject{KeyKind: "KEY_KIND_BILL", Key: key, Identity: "COSU|6385270141"})
	require.ErrorIs(t, err, types.ErrProofBundle)
	_, err = lightproof.ExpectedKey(lightproof.KindRegistry, lightproof.Subject{KeyKind: "KEY_KIND_BILL", Key: key})
	require.ErrorIs(t, err, types.ErrProofBundle)
	got, err := lightproof.ExpectedKey(lightproof.KindRegistry, lightproof.Subject{KeyKind: "KEY_KIND_BILL", Key: key, Identity: "COSU|6385270140"})
	require.NoError(t, err)
	require.Equal(t, types.RegistryStoreKey(types.KEY_KIND_BILL, "COSU|6385270140"), got)
}

// (a) "anchored" for a forged document: the truth is a proof of absence.
func TestLieAnchoredForgedDocument(t *testing.T) {
	f := newFixture(t)
	forged := strings.Repeat("f0", 32)
	absent := f.prove(lightproof.KindDocument, lightproof.Subject{Hash: forged}, 0)
	require.Nil(t, absent.Record)
	res, err := lightproof.Verify(absent, f.root(), f.opts())
	require.NoError(t, err)
	require.False(t, res.Present())
	require.Contains(t, res.Summary(), "NOT ANCHORED: "+forged)

	genuine := f.prove(lightproof.KindDocument, lightproof.Subject{Hash: docHash}, 0)
	fake := types.Document{Hash: forged, DocType: types.DocTypeTransportDocument, BillId: f.billID, AnchoredBy: f.addr(cargotestutil.Carrier), Height: 2}
	fakeBz, err := fake.Marshal()
	require.NoError(t, err)

	t.Run("a record with the proof of absence", func(t *testing.T) {
		lie := *absent
		lie.Record = fakeBz
		_, err := lightproof.Verify(&lie, f.root(), f.opts())
		refused(t, err, types.ErrProofFailed, "does not lead to the app hash")
	})
	t.Run("another document's genuine proof", func(t *testing.T) {
		lie := *genuine
		lie.Subject = lightproof.Subject{Hash: forged}
		_, err := lightproof.Verify(&lie, f.root(), f.opts())
		refused(t, err, types.ErrProofFailed, "not the key of document "+forged)
	})
	t.Run("another document's proof under the forged key", func(t *testing.T) {
		lie := *genuine
		lie.Subject, lie.Key = lightproof.Subject{Hash: forged}, types.DocumentStoreKey(forged)
		_, err := lightproof.Verify(&lie, f.root(), f.opts())
		refused(t, err, types.ErrProofFailed, "does not lead to the app hash")
	})
	t.Run("another document's record with the proof of absence", func(t *testing.T) {
		lie := *absent
		lie.Record = genuine.Record
		_, err := lightproof.Verify(&lie, f.root(), f.opts())
		refused(t, err, types.ErrProofFailed, "does not lead to the app hash")
	})
}

// (b) a bill's holder changed in the record, and in the app hash.
func TestLieChangedHolder(t *testing.T) {
	f := newFixture(t)
	b := f.prove(lightproof.KindBill, lightproof.Subject{BillID: f.billID}, 0)
	var bill types.Bill
	require.NoError(t, bill.Unmarshal(b.Record))
	bill.Holder = f.addr(cargotestutil.Stranger)
	changed, err := bill.Marshal()
	require.NoError(t, err)

	lie := *b
	lie.Record = changed
	_, err = lightproof.Verify(&lie, f.root(), f.opts())
	refused(t, err, types.ErrProofFailed, "does not lead to the app hash")

	// The liar also rewrites the header's app hash: the validators did not sign that header.
	var sh cmttypes.SignedHeader
	require.NoError(t, cmtjson.Unmarshal(b.SignedHeader, &sh))
	sh.AppHash = bytes.Repeat([]byte{7}, 32)
	lie.SignedHeader, err = cmtjson.Marshal(sh)
	require.NoError(t, err)
	_, err = lightproof.Verify(&lie, f.root(), f.opts())
	refused(t, err, types.ErrProofBundle, "commit signs block")
}

// (c) a replayed old genuine answer, from before a transfer.
func TestLieReplayedOldAnswer(t *testing.T) {
	f := newFixture(t)
	old := f.prove(lightproof.KindBill, lightproof.Subject{BillID: f.billID}, 0)
	f.transfer()
	for i := 0; i < 3; i++ {
		f.z.block(nil)
	}
	fresh := f.prove(lightproof.KindBill, lightproof.Subject{BillID: f.billID}, 0)
	res, err := lightproof.Verify(fresh, f.root(), lightproof.Options{Now: f.now(), MinHeight: fresh.Height, MaxAge: 2 * time.Minute})
	require.NoError(t, err)
	require.Equal(t, f.addr(cargotestutil.Importer), res.Record.(*types.Bill).Holder, "the endorsement moved control")

	// Without freshness, the old bundle is a true statement about its height, and says so.
	res, err = lightproof.Verify(old, f.root(), f.opts())
	require.NoError(t, err)
	require.Equal(t, f.addr(cargotestutil.Exporter), res.Record.(*types.Bill).Holder)
	require.Contains(t, res.Summary(), "state as of height")

	// Asking for "current": at least the height the verifier has seen, or a maximum age.
	_, err = lightproof.Verify(old, f.root(), lightproof.Options{Now: f.now(), MinHeight: fresh.Height})
	refused(t, err, types.ErrStaleProof, "a replayed older answer?")
	_, err = lightproof.Verify(old, f.root(), lightproof.Options{Now: f.now(), MaxAge: 20 * time.Second})
	refused(t, err, types.ErrStaleProof, "you asked for at most 20s")
}

// (d) a header signed by a validator set that is not the zone's.
func TestLieForeignValidators(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 3; i++ {
		f.z.block(nil) // so the proved header is not adjacent to the root
	}
	b := f.prove(lightproof.KindBill, lightproof.Subject{BillID: f.billID}, 0)
	var bill types.Bill
	require.NoError(t, bill.Unmarshal(b.Record))
	bill.Holder = f.addr(cargotestutil.Stranger)

	// The liar runs its own validators on a copy of the zone's state with
	// the holder changed, and signs a header at the same height.
	var genuine cmttypes.SignedHeader
	require.NoError(t, cmtjson.Unmarshal(b.SignedHeader, &genuine))
	foreignKeys := pvs("impostor", 4)
	foreign := valSet(t, foreignKeys, 10)
	keys := map[string]cmttypes.PrivValidator{}
	for _, k := range foreignKeys {
		pk, _ := k.GetPubKey()
		keys[pk.Address().String()] = k
	}
	h := *genuine.Header
	h.ValidatorsHash, h.NextValidatorsHash = foreign.Hash(), foreign.Hash()
	sh := signHeader(t, &h, foreign, keys, 4)

	lie := *b
	var err error
	lie.SignedHeader, err = cmtjson.Marshal(sh)
	require.NoError(t, err)
	lie.ValidatorSet, err = cmtjson.Marshal(coretypes.ResultValidators{BlockHeight: h.Height, Validators: foreign.Validators, Count: 4, Total: 4})
	require.NoError(t, err)
	_, err = lightproof.Verify(&lie, f.root(), f.opts())
	refused(t, err, types.ErrUntrustedRoot, "cant trust new val set")

	// Nor can the liar pass off its own header as the trust root.
	lie.TrustRoot = &lightproof.LightBlock{SignedHeader: lie.SignedHeader, ValidatorSet: lie.ValidatorSet}
	_, err = lightproof.Verify(&lie, f.root(), f.opts())
	refused(t, err, types.ErrUntrustedRoot, "is not your trust root")

	// A validator-set trust root (what a chain-registry file ships) refuses it too.
	vsRoot := &lightproof.TrustRoot{ChainID: f.z.chainID, Height: f.z.first, Validators: f.validatorsJSON(f.z.first)}
	_, err = lightproof.Verify(&lie, vsRoot, f.opts())
	refused(t, err, types.ErrUntrustedRoot, "not signed by 1/3 of the trusted validators")
	res, err := lightproof.Verify(b, vsRoot, f.opts())
	require.NoError(t, err)
	require.Equal(t, 4, res.Signed)
}

func (f *fixture) validatorsJSON(h int64) []byte {
	bz, err := cmtjson.Marshal(coretypes.ResultValidators{BlockHeight: h, Validators: f.z.valsAt[h].Validators})
	require.NoError(f.t, err)
	return bz
}

// Validator set changes: the prover adds the headers skipping verification
// needs, the verifier follows them, and without them refuses.
func TestSkippingVerificationAcrossValidatorChanges(t *testing.T) {
	f := newFixture(t)
	second, third := pvs("hk-val-2", 4), pvs("hk-val-3", 4)
	f.z.changeValidators(second, 10) // no overlap with the first set
	for i := 0; i < 4; i++ {
		f.z.block(nil)
	}
	f.z.changeValidators(third, 10)
	for i := 0; i < 4; i++ {
		f.z.block(nil)
	}
	b := f.prove(lightproof.KindBill, lightproof.Subject{BillID: f.billID}, 0)
	require.NotEmpty(t, b.Intermediates)
	res, err := lightproof.Verify(b, f.root(), f.opts())
	require.NoError(t, err)
	require.Equal(t, len(b.Intermediates)+1, res.Steps)
	bz, _ := b.Encode()
	t.Logf("bundle across two validator set changes: %d intermediates, %d bytes", len(b.Intermediates), len(bz))

	stripped := *b
	stripped.Intermediates = nil
	_, err = lightproof.Verify(&stripped, f.root(), f.opts())
	refused(t, err, types.ErrUntrustedRoot, "cant trust new val set")

	// Expired trust root: past the trusting period.
	_, err = lightproof.Verify(b, f.root(), lightproof.Options{Now: f.now().Add(lightproof.DefaultTrustingPeriod)})
	refused(t, err, types.ErrUntrustedRoot, "older than the trusting period")
}

func TestTrustRootRequired(t *testing.T) {
	f := newFixture(t)
	b := f.prove(lightproof.KindBill, lightproof.Subject{BillID: f.billID}, 0)
	_, err := lightproof.Verify(b, nil, f.opts())
	refused(t, err, types.ErrNoTrustRoot, "trust root")
	other := f.root()
	other.ChainID = "shanghai-1"
	_, err = lightproof.Verify(b, other, f.opts())
	refused(t, err, types.ErrUntrustedRoot, `bundle is for chain "hongkong-1"`)
	for _, bad := range []string{`{}`, `{"chain_id":"hongkong-1","height":"2"}`, `{"chain_id":"hongkong-1","height":"2","hash":"zz"}`, `{"chain_id":"x","height":"1","hash":"` + strings.Repeat("0", 64) + `","extra":1}`} {
		_, err := lightproof.ParseTrustRoot(strings.NewReader(bad))
		refused(t, err, types.ErrNoTrustRoot, "")
	}
}

// A proof of absence whose neighbour is a key stored with an empty value:
// a bill id after every bill's key range sits just before the holder index,
// whose "holds now" entries have empty values. ICS-23 refuses to hash an
// empty value, although the tree commits to it; the absence must still be
// proved.
func TestProveAbsenceNextToAnEmptyValue(t *testing.T) {
	f := newFixture(t)
	b := f.prove(lightproof.KindBill, lightproof.Subject{BillID: "ZZZZ-ZZZZZZZZZZ"}, 0)
	res, err := lightproof.Verify(b, f.root(), f.opts())
	require.NoError(t, err)
	require.Nil(t, res.Record)
}
