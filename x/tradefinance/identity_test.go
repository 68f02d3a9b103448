package tradefinance_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	tctestutil "github.com/tradechain/tradechain/testutil"
	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// Duplicates by meaning, not by bytes (issue 36, point 7). Each test plays
// the attack across the two zones of the corridor and expects the refusal.

// relayAll relays every registry packet a transaction sent (none, on a zone
// that reserves nothing).
func (c *registryCorridor) relayAll(pkts []sent) {
	for _, p := range pkts {
		c.relay(p)
	}
}

// txPackets sends msg on zone z and relays the registry packets it sent.
func (c *registryCorridor) txRelayed(z int, msg sdk.Msg) error {
	res, err := c.zones[z].SendMsgs(msg)
	if err != nil {
		return err
	}
	c.relayAll(c.packets(z, res.Events))
	return nil
}

// A carrier's transport document reference identifies one bill (DCSA: unique
// per carrier). The same carrier and reference with one byte of the document
// changed is refused on the other zone, naming the zone and the bill; so is
// the reference respelled (case, separators, padding zeros, look-alikes), on
// either zone.
func TestIdentityRefusesSameReferenceOtherBytes(t *testing.T) {
	c := newRegistryCorridor(t)
	sh := c.zones[1].ChainID
	id, pkts, err := c.issue(1, "BL7", "dcsa-doc-7")
	require.NoError(t, err)
	c.relayAll(pkts)
	require.Equal(t, cargotypes.BILL_STATUS_ISSUED, c.bill(1, id).Status)

	for _, tc := range []struct {
		zone     int
		ref, doc string
	}{
		{0, "BL7", "dcsa-doc-7 "},    // one byte more in the document
		{0, "bl7", "dcsa-doc-7b"},    // the reference in lower case
		{0, "BL.007", "dcsa-doc-7c"}, // a separator and padding zeros
		{0, "BL7", "dcsa-doc-7d"},    // another document altogether
		{1, "BL7.", "dcsa-doc-7e"},   // on the bill's own zone, respelled
	} {
		_, _, err := c.issue(tc.zone, tc.ref, tc.doc)
		tctestutil.RequireCode(t, err, cargotypes.ErrKeyTaken)
		require.ErrorContains(t, err, "transport document reference already issued as a bill on "+sh, "reference %q on zone %d", tc.ref, tc.zone)
		require.ErrorContains(t, err, "bill "+id)
	}
	c.checkInvariants()
	require.Zero(t, c.corridorWide())
}

// An amendment's new document hash is reserved corridor-wide: once a bill
// is amended with a document on one zone, that document cannot back a bill
// on the other; and a document that backs a bill on one zone cannot become
// another bill's by an amendment on the other.
func TestIdentityRefusesAmendedHashOnOtherZone(t *testing.T) {
	c := newRegistryCorridor(t)
	hk, sh := c.zones[0].ChainID, c.zones[1].ChainID
	carrier := c.zones[1].SenderAccount.GetAddress().String()
	id, pkts, err := c.issue(1, "AM1", "am-doc-1")
	require.NoError(t, err)
	c.relayAll(pkts)
	surrender := func() {
		for _, m := range []sdk.Msg{
			&cargotypes.MsgRequestSurrender{Holder: carrier, BillId: id, Purpose: cargotypes.SURRENDER_PURPOSE_AMENDMENT, Reason: "COD"},
			&cargotypes.MsgAcceptSurrender{Carrier: carrier, BillId: id},
		} {
			_, err := c.zones[1].SendMsgs(m)
			require.NoError(t, err)
		}
	}
	surrender()
	require.NoError(t, c.txRelayed(1, &cargotypes.MsgAmendBill{Carrier: carrier, BillId: id, NewDocumentHash: docHash("am-doc-2")}))
	amended := c.bill(1, id)
	require.Equal(t, cargotypes.BILL_STATUS_ISSUED, amended.Status)
	require.EqualValues(t, 2, amended.Version)
	require.Equal(t, docHash("am-doc-2"), amended.DocumentHash)

	// The amended document on the other zone: refused, naming the zone.
	_, _, err = c.issue(0, "OTHER1", "am-doc-2")
	tctestutil.RequireCode(t, err, cargotypes.ErrKeyTaken)
	require.ErrorContains(t, err, "transport document already issued as a bill on "+sh)
	// The document it was issued with stays reserved too.
	_, _, err = c.issue(0, "OTHER2", "am-doc-1")
	tctestutil.RequireCode(t, err, cargotypes.ErrKeyTaken)

	// A document hongkong's bill holds cannot become shanghai's by an amendment.
	_, pkts, err = c.issue(0, "HK3", "am-doc-3")
	require.NoError(t, err)
	c.relayAll(pkts)
	surrender()
	err = c.txRelayed(1, &cargotypes.MsgAmendBill{Carrier: carrier, BillId: id, NewDocumentHash: docHash("am-doc-3")})
	tctestutil.RequireCode(t, err, cargotypes.ErrKeyTaken)
	require.ErrorContains(t, err, "transport document already issued as a bill on "+hk)
	require.Equal(t, docHash("am-doc-2"), c.bill(1, id).DocumentHash)
	c.checkInvariants()
	require.Zero(t, c.corridorWide())
}

// An invoice is its seller, buyer and number: registered again with another
// amount it is refused, on either zone, naming the first invoice and its zone.
func TestIdentityRefusesInvoiceWithOtherAmount(t *testing.T) {
	c := newRegistryCorridor(t)
	sh := c.zones[1].ChainID
	first, pkts, err := c.register(1, "INV-2026-0418", 800_000, "inv-doc-1")
	require.NoError(t, err)
	c.relayAll(pkts)
	require.Equal(t, types.INVOICE_STATUS_OPEN, c.invoice(1, first).Status)

	// The other zone: refused at once, naming shanghai's invoice.
	_, _, err = c.register(0, "INV-2026-0418", 900_000, "inv-doc-2")
	tctestutil.RequireCode(t, err, cargotypes.ErrKeyTaken)
	require.ErrorContains(t, err, fmt.Sprintf("invoice already registered on %s (invoice %d)", sh, first))
	// The same zone: refused, naming the invoice, its zone and its amount.
	_, _, err = c.register(1, "inv 2026/0418", 800_001, "inv-doc-3")
	tctestutil.RequireCode(t, err, types.ErrInvoiceExists)
	require.ErrorContains(t, err, fmt.Sprintf("already registered as invoice %d on %s", first, sh))
	require.ErrorContains(t, err, "800000"+hkd)

	// Both zones at once, two amounts: exactly one wins (the lower chain id).
	hkInv, hkPkts, err := c.register(0, "INV-77", 100, "inv-doc-4")
	require.NoError(t, err)
	shInv, shPkts, err := c.register(1, "INV-77", 200, "inv-doc-5")
	require.NoError(t, err)
	ackSH, ackHK := c.deliver(shPkts[0]), c.deliver(hkPkts[0])
	c.acknowledge(shPkts[0], ackSH)
	c.acknowledge(hkPkts[0], ackHK)
	require.Equal(t, types.INVOICE_STATUS_OPEN, c.invoice(0, hkInv).Status)
	require.Equal(t, types.INVOICE_STATUS_REJECTED_DUPLICATE, c.invoice(1, shInv).Status)
	h := c.invoice(1, shInv).History
	require.Contains(t, h[len(h)-1].Detail, fmt.Sprintf("invoice already registered on %s (invoice %d)", c.zones[0].ChainID, hkInv))
	c.checkInvariants()
	require.Zero(t, c.corridorWide())
}

// Invoice numbers that differ only by look-alike characters of another
// script (Unicode UTS #39 confusables) are one invoice, on either zone.
func TestIdentityRefusesConfusableInvoiceNumber(t *testing.T) {
	c := newRegistryCorridor(t)
	sh := c.zones[1].ChainID
	first, pkts, err := c.register(1, "INV-2026-0418", 800_000, "inv-doc-1")
	require.NoError(t, err)
	c.relayAll(pkts)
	for i, number := range []string{
		"\u0406NV-2026-0418", // Cyrillic І
		"INV-2\u041e26-0418", // Cyrillic О for the zero
		"INV-2026-\u039f418", // Greek Ο for the zero
		"\u0399NV-2026-O418", // Greek Ι, and the letter O for the zero
		"ＩＮＶ－２０２６－０４１８",      // full width
	} {
		_, _, err := c.register(0, number, 800_000, fmt.Sprintf("look-alike-%d", i))
		tctestutil.RequireCode(t, err, cargotypes.ErrKeyTaken)
		require.ErrorContains(t, err, fmt.Sprintf("invoice already registered on %s (invoice %d)", sh, first), "%q", number)
		_, _, err = c.register(1, number, 800_000, fmt.Sprintf("look-alike-sh-%d", i))
		tctestutil.RequireCode(t, err, types.ErrInvoiceExists)
	}
	// Another number is another invoice.
	_, pkts, err = c.register(0, "INV-2026-0419", 800_000, "inv-doc-2")
	require.NoError(t, err)
	c.relayAll(pkts)
	c.checkInvariants()
	require.Zero(t, c.corridorWide())
}

// surrenderForAmendment has zone z's sender (holder and carrier) surrender
// bill id for amendment and accept it.
func (c *registryCorridor) surrenderForAmendment(z int, id string) {
	carrier := c.zones[z].SenderAccount.GetAddress().String()
	for _, m := range []sdk.Msg{
		&cargotypes.MsgRequestSurrender{Holder: carrier, BillId: id, Purpose: cargotypes.SURRENDER_PURPOSE_AMENDMENT, Reason: "COD"},
		&cargotypes.MsgAcceptSurrender{Carrier: carrier, BillId: id},
	} {
		_, err := c.zones[z].SendMsgs(m)
		require.NoError(c.t, err)
	}
}

func (c *registryCorridor) historyTail(z int, id string, n int) []string {
	var out []string
	b := c.bill(z, id)
	for i := b.HistoryLen - uint64(n) + 1; i <= b.HistoryLen; i++ {
		e, err := tctestutil.App(c.zones[z]).CargoKeeper.History.Get(c.zones[z].GetContext(), collections.Join(id, i))
		require.NoError(c.t, err)
		out = append(out, e.Action)
	}
	return out
}

// An amendment takes effect only once the other zone confirms its new
// document hash: meanwhile the bill stays surrendered for amendment with its
// old document (I6: the hash changes only by the amendment, at one version),
// and nothing else is done with it; a timed-out amendment waits for the
// carrier's retry; one that loses its hash to the other zone is dropped with
// the reason and the bill stays surrendered (I1: the other zone's bill is the
// only one with that document).
func TestAmendmentWaitsForTheRegistry(t *testing.T) {
	c := newRegistryCorridor(t)
	hk := c.zones[0].ChainID
	carrier := c.zones[1].SenderAccount.GetAddress().String()
	id, pkts, err := c.issue(1, "PA1", "pa-doc-1")
	require.NoError(t, err)
	c.relayAll(pkts)
	c.surrenderForAmendment(1, id)

	res, err := c.zones[1].SendMsgs(&cargotypes.MsgAmendBill{Carrier: carrier, BillId: id, NewDocumentHash: docHash("pa-doc-2"), PortOfDischarge: "HKHKG"})
	require.NoError(t, err)
	pkts = c.packets(1, res.Events)
	require.Len(t, pkts, 1, "one reservation: the new document")
	b := c.bill(1, id)
	require.Equal(t, cargotypes.BILL_STATUS_SURRENDERED_FOR_AMENDMENT, b.Status)
	require.EqualValues(t, 1, b.Version)
	require.Equal(t, docHash("pa-doc-1"), b.DocumentHash)
	require.NotNil(t, b.PendingAmendment)
	require.Equal(t, docHash("pa-doc-2"), b.PendingAmendment.NewDocumentHash)
	require.Equal(t, cargotypes.RESERVATION_STATUS_PENDING, b.PendingAmendment.CorridorStatus)
	for _, m := range []sdk.Msg{
		&cargotypes.MsgAmendBill{Carrier: carrier, BillId: id, NewDocumentHash: docHash("pa-doc-9")},
		&cargotypes.MsgVoidBill{Carrier: carrier, BillId: id, Reason: "SWTP"},
		&cargotypes.MsgSplitBill{Carrier: carrier, BillId: id, Replacements: []cargotypes.BillReplacement{
			{TransportDocumentReference: "PA1A", DocumentHash: docHash("pa-a")}, {TransportDocumentReference: "PA1B", DocumentHash: docHash("pa-b")}}},
	} {
		_, err := c.zones[1].SendMsgs(m)
		tctestutil.RequireCode(t, err, cargotypes.ErrReservationState)
	}
	c.checkInvariants()

	// Timed out: it waits; only the carrier retries, one packet.
	c.expire(pkts[0])
	require.Equal(t, cargotypes.RESERVATION_STATUS_TIMED_OUT, c.bill(1, id).PendingAmendment.CorridorStatus)
	require.EqualValues(t, 1, c.bill(1, id).Version)
	buyer := c.zones[1].SenderAccounts[1].SenderAccount.GetAddress().String()
	_, err = cargokeeper.NewMsgServerImpl(tctestutil.App(c.zones[1]).CargoKeeper).RetryReservation(c.zones[1].GetContext(),
		&cargotypes.MsgRetryReservation{Signer: buyer, Kind: cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, Key: docHash("pa-doc-2")})
	tctestutil.RequireCode(t, err, cargotypes.ErrWrongRole)
	c.checkInvariants()
	require.NoError(t, c.txRelayed(1, &cargotypes.MsgRetryReservation{Signer: carrier, Kind: cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, Key: docHash("pa-doc-2")}))
	b = c.bill(1, id)
	require.Equal(t, cargotypes.BILL_STATUS_ISSUED, b.Status)
	require.EqualValues(t, 2, b.Version)
	require.Equal(t, docHash("pa-doc-2"), b.DocumentHash)
	require.Equal(t, "HKHKG", b.PortOfDischarge)
	require.Equal(t, carrier, b.Holder)
	require.Nil(t, b.PendingAmendment)
	require.Equal(t, []string{"AMEND_PENDING", "CORRIDOR_TIMEOUT", "CORRIDOR_RETRY", "AMEND"}, c.historyTail(1, id, 4))
	c.checkInvariants()

	// A race for one document: hongkong issues a bill for it while shanghai
	// amends with it. The lower chain id wins; the amendment is dropped.
	c.surrenderForAmendment(1, id)
	race, hkPkts, err := c.issue(0, "RACE", "pa-doc-3")
	require.NoError(t, err)
	res, err = c.zones[1].SendMsgs(&cargotypes.MsgAmendBill{Carrier: carrier, BillId: id, NewDocumentHash: docHash("pa-doc-3")})
	require.NoError(t, err)
	shPkts := c.packets(1, res.Events)
	ackHK := c.deliver(hkPkts[0]) // shanghai gives way
	ackSH := c.deliver(shPkts[0]) // hongkong refuses
	c.acknowledge(hkPkts[0], ackHK)
	c.acknowledge(shPkts[0], ackSH)
	require.Equal(t, cargotypes.BILL_STATUS_ISSUED, c.bill(0, race).Status)
	b = c.bill(1, id)
	require.Equal(t, cargotypes.BILL_STATUS_SURRENDERED_FOR_AMENDMENT, b.Status)
	require.Nil(t, b.PendingAmendment)
	require.EqualValues(t, 2, b.Version)
	require.Equal(t, docHash("pa-doc-2"), b.DocumentHash)
	last := lastHistory(t, c.zones[1], id)
	require.Equal(t, "AMEND_REJECTED", last.Action)
	require.Contains(t, last.Detail, "transport document already issued as a bill on "+hk+" (bill "+race+")")
	_, err = tctestutil.App(c.zones[1]).CargoKeeper.DocumentAnchors(c.zones[1].GetContext(), docHash("pa-doc-3"))
	tctestutil.RequireCode(t, err, cargotypes.ErrDocumentNotFound)
	c.checkInvariants()
	require.Zero(t, c.corridorWide())

	// The carrier amends with another document: it goes through.
	require.NoError(t, c.txRelayed(1, &cargotypes.MsgAmendBill{Carrier: carrier, BillId: id, NewDocumentHash: docHash("pa-doc-4")}))
	require.EqualValues(t, 3, c.bill(1, id).Version)
	c.checkInvariants()
	require.Zero(t, c.corridorWide())
}
