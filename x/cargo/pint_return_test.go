package cargo_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint/pinttest"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// as sends msgs on chain signed by its SenderAccounts[i].
func as(t *testing.T, chain *ibctesting.TestChain, i int, msgs ...sdk.Msg) {
	acc := chain.SenderAccounts[i]
	saved, savedKey := chain.SenderAccount, chain.SenderPrivKey
	chain.SenderAccount, chain.SenderPrivKey = acc.SenderAccount, acc.SenderPrivKey
	defer func() { chain.SenderAccount, chain.SenderPrivKey = saved, savedKey }()
	_, err := chain.SendMsgs(msgs...)
	require.NoError(t, err)
}

// sendAs sends bill id over the cargo channel from chain's SenderAccounts[i].
func (c *handoverCorridor) sendAs(from *ibctesting.Endpoint, i int, id, receiver string) channeltypes.Packet {
	chain := from.Chain
	acc := chain.SenderAccounts[i]
	saved, savedKey := chain.SenderAccount, chain.SenderPrivKey
	chain.SenderAccount, chain.SenderPrivKey = acc.SenderAccount, acc.SenderPrivKey
	defer func() { chain.SenderAccount, chain.SenderPrivKey = saved, savedKey }()
	res, err := chain.SendMsgs(&types.MsgSendBill{Holder: acc.SenderAccount.GetAddress().String(), BillId: id,
		Channel: from.ChannelID, Receiver: receiver})
	require.NoError(c.t, err)
	packet, err := ibctesting.ParsePacketFromEvents(res.Events)
	require.NoError(c.t, err)
	return packet
}

// handedOverToHk: a bill shanghai issued and exported to WAVE, which WAVE
// sends on to the importer on hongkong; hongkong's import continues the
// export, so shanghai hands the keys over (its tombstone records it). It
// returns the export and shanghai's tombstone history.
func (c *handoverCorridor) handedOverToHk(ref string) (exported, []types.HistoryEntry) {
	e := c.export(ref, true)
	p := c.importOnHk(c.onward(e, e.sent, types.DefaultPintPlatformCode, c.recipient), e.id)
	require.NoError(c.t, c.reg.RelayPacket(p))
	require.Equal(c.t, types.BILL_STATUS_ISSUED, c.bill(c.hk, e.id).Status)
	tomb := c.bill(c.sh, e.id)
	require.Equal(c.t, c.hk.ChainID, tomb.Export.ContinuedOn)
	require.Equal(c.t, pint.Checksum(c.lastChain[len(c.lastChain)-1]), tomb.Export.ContinuedWith)
	return e, c.history(c.sh, e.id)
}

func (c *handoverCorridor) handedOver(chain *ibctesting.TestChain, id string) *types.QueryHandedOverResponse {
	res, err := keeper.NewQueryServerImpl(tctestutil.App(chain).CargoKeeper).HandedOver(chain.GetContext(), &types.QueryHandedOverRequest{Id: id})
	require.NoError(c.t, err)
	return res
}

// genesisRoundTrip exports chain's x/cargo state, validates it and imports
// it into a fresh context: the archive survives an export.
func (c *handoverCorridor) genesisValid(chain *ibctesting.TestChain) *types.GenesisState {
	gs, err := tctestutil.App(chain).CargoKeeper.ExportGenesis(chain.GetContext())
	require.NoError(c.t, err)
	require.NoError(c.t, gs.Validate())
	return gs
}

// Issue 37: a bill handed over to hongkong comes back to shanghai — the zone
// that exported it — by IBC, and continues its own history there. Shanghai's
// EXPORTED tombstone (ISSUE … EXPORT_ACCEPTED, EXPORT_CONTINUED) and its
// history move into the archive of handed-over bills, unchanged; the bill
// lives on shanghai under its id with the history hongkong carried (IMPORTED,
// whose transfer chain holds the last entry shanghai exported, …, SEND) and
// RECEIVE. One live bill in the corridor (hongkong keeps a TRANSFERRED_OUT
// tombstone and the keys), nothing lost (the archive is queryable, exported
// in genesis, and the parties that held it on shanghai keep their track
// record); invariants hold on both zones. Before this change the same send
// was refused with cargo/29 (history entry 1 differs).
func TestHandedOverBillComesBackByIBC(t *testing.T) {
	c := newHandoverCorridor(t)
	e, tomb := c.handedOverToHk("COSU0000000031")
	tombBill := c.bill(c.sh, e.id)
	require.Equal(t, []string{keeper.ActionIssue, keeper.ActionCorridorConfirmed, types.ActionExport, types.ActionExportAccepted, keeper.ActionExportContinued}, actions(tomb))

	p := c.sendAs(c.path.EndpointA, 1, e.id, c.shParty)
	carried := c.history(c.hk, e.id)
	require.NoError(t, c.path.RelayPacket(p))

	// Shanghai: the bill is live again, held by the receiver, and continues
	// the history hongkong carried.
	b := c.bill(c.sh, e.id)
	require.Equal(t, types.BILL_STATUS_ISSUED, b.Status)
	require.Equal(t, c.shParty, b.Holder)
	require.Equal(t, e.hash, b.DocumentHash)
	h := c.history(c.sh, e.id)
	require.Equal(t, append(actions(carried), keeper.ActionReceive), actions(h))
	require.Equal(t, carried, h[:len(carried)])
	require.Equal(t, types.ActionImported, h[0].Action)
	require.Contains(t, h[0].Pint.EntryChecksums, tombBill.Export.LastEntryChecksum, "the import continues what shanghai exported")
	require.Equal(t, c.hk.ChainID, h[0].ChainId)

	// The tombstone and its history, archived unchanged.
	a := c.handedOver(c.sh, e.id)
	require.Len(t, a.Bills, 1)
	require.Equal(t, uint64(1), a.Bills[0].Archive)
	require.Equal(t, tombBill, a.Bills[0].Bill)
	require.Equal(t, "ibc:"+c.path.EndpointB.ChannelConfig.PortID+"/"+c.path.EndpointB.ChannelID, a.Bills[0].Arrival)
	var archived []types.HistoryEntry
	for _, x := range a.History {
		require.Equal(t, uint64(1), x.Archive)
		archived = append(archived, x.Entry)
	}
	require.Equal(t, tomb, archived)
	d, err := tctestutil.App(c.sh).CargoKeeper.Documents.Get(c.sh.GetContext(), e.hash)
	require.NoError(t, err)
	require.Equal(t, e.id, d.BillId)

	// One live bill: hongkong's is a tombstone now; hongkong keeps the keys.
	require.Equal(t, types.BILL_STATUS_TRANSFERRED_OUT, c.bill(c.hk, e.id).Status)
	require.Equal(t, types.RESERVATION_STATUS_CONFIRMED, c.registryKey(c.hk, types.KEY_KIND_TRANSPORT_DOCUMENT, e.hash).Status)
	require.Equal(t, types.RESERVATION_STATUS_HELD_REMOTE, c.registryKey(c.sh, types.KEY_KIND_TRANSPORT_DOCUMENT, e.hash).Status)
	c.invariants()

	// Nothing lost: shanghai's party held it before, and still counts it.
	fig := trackFigures(t, c.sh, c.shParty)
	require.Contains(t, fig["bills_held"], e.id)
	require.Contains(t, fig["bills_holding_now"], e.id)
	gs := c.genesisValid(c.sh)
	require.Len(t, gs.HandedOverBills, 1)
	require.Len(t, gs.HandedOverHistory, len(tomb))

	// It goes on: back to hongkong by IBC (its home there) and again to
	// shanghai, where it finds the live bill's own tombstone, not the
	// archive.
	p = c.sendAs(c.path.EndpointB, 0, e.id, c.recipient)
	require.NoError(t, c.path.RelayPacket(p))
	require.Equal(t, types.BILL_STATUS_ISSUED, c.bill(c.hk, e.id).Status)
	p = c.sendAs(c.path.EndpointA, 1, e.id, c.shParty)
	require.NoError(t, c.path.RelayPacket(p))
	require.Equal(t, types.BILL_STATUS_ISSUED, c.bill(c.sh, e.id).Status)
	require.Len(t, c.handedOver(c.sh, e.id).Bills, 1)
	c.invariants()
}

func trackFigures(t *testing.T, chain *ibctesting.TestChain, party string) map[string][]string {
	figs, err := tctestutil.App(chain).CargoKeeper.TrackRecord(chain.GetContext(), party)
	require.NoError(t, err)
	out := map[string][]string{}
	for _, f := range figs {
		out[f.Name] = f.Ids
	}
	return out
}

// Only the continuation comes back: a tombstone whose recorded continuation
// (continued_with) is not the import the arriving bill carries refuses it
// with cargo/80, safely — the bill is refunded to its holder on hongkong,
// shanghai's tombstone and history are unchanged, nothing is archived.
func TestHandedOverReturnNotContinuingIsRefused(t *testing.T) {
	c := newHandoverCorridor(t)
	e, tomb := c.handedOverToHk("COSU0000000032")
	k := tctestutil.App(c.sh).CargoKeeper
	ctx := c.sh.GetContext()
	b := c.bill(c.sh, e.id)
	exp := *b.Export
	exp.ContinuedWith = pint.Checksum("an import that did not happen")
	b.Export = &exp
	require.NoError(t, k.Bills.Set(ctx, e.id, b))
	c.coord.CommitBlock(c.sh)

	p := c.sendAs(c.path.EndpointA, 1, e.id, c.shParty)
	require.NoError(t, c.path.RelayPacket(p))
	hb := c.bill(c.hk, e.id)
	require.Equal(t, types.BILL_STATUS_ISSUED, hb.Status)
	require.Equal(t, c.recipient, hb.Holder)
	h := c.history(c.hk, e.id)
	require.Equal(t, keeper.ActionReturnRefused, h[len(h)-1].Action)
	require.Contains(t, h[len(h)-1].Detail, "cargo/80")
	require.Contains(t, h[len(h)-1].Detail, "none of its carried history entries is that import")
	require.Equal(t, types.BILL_STATUS_EXPORTED, c.bill(c.sh, e.id).Status)
	require.Equal(t, tomb, c.history(c.sh, e.id))
	_, err := keeper.NewQueryServerImpl(k).HandedOver(c.sh.GetContext(), &types.QueryHandedOverRequest{Id: e.id})
	require.ErrorContains(t, err, "no handed-over tombstone")
	c.invariants()
}

// Issue 37: a bill handed over to hongkong comes back to shanghai over PINT:
// the importer on hongkong exports it to WAVE (RECE: hongkong's tombstone),
// WAVE sends it on to shanghai. Shanghai archives its own tombstone (the
// envelope's chain holds the entry shanghai exported and goes on beyond
// hongkong's import), imports the bill afresh under its id and asks
// hongkong for the keys; hongkong hands them back (its export is what the
// chain continues). One live bill — on shanghai —, both zones' tombstones
// kept, invariants and genesis valid. A replay of the chain hongkong
// imported is refused (DISE) before anything is archived.
func TestHandedOverBillComesBackOverPINT(t *testing.T) {
	c := newHandoverCorridor(t)
	e, tomb := c.handedOverToHk("COSU0000000033")
	hkChain := c.lastChain

	// WAVE sends shanghai's export on to shanghai as well (a fork of the
	// chain before hongkong's import): refused, nothing archived.
	fork := c.onward(e, e.sent, types.DefaultPintPlatformCode, c.shParty)
	fork.Platform = c.shParty
	_, err := c.sh.SendMsgs(fork)
	require.ErrorContains(t, err, "does not go on from there")
	require.Equal(t, types.BILL_STATUS_EXPORTED, c.bill(c.sh, e.id).Status)

	// Hongkong's importer exports it to WAVE; hongkong's gateway signs the
	// entry (TRDC), WAVE answers RECE.
	hkImporter := pinttest.Party("Next holder", types.DefaultPintPlatformCode, c.recipient)
	waveBank := pinttest.Party("Wave Bank", "WAVE", "WB-1")
	as(t, c.hk, 1, &types.MsgExportBill{Holder: c.recipient, BillId: e.id, Platform: "WAVE", RecipientName: waveBank.PartyName,
		RecipientCodes: []types.IdentifyingCode{{CodeListProvider: "WAVE", PartyCode: "WB-1"}}})
	out, err := c.shGw.Append(hkChain, e.doc, "", pinttest.Tx(pint.ActionTransfer, hkImporter, &waveBank))
	require.NoError(t, err)
	hkLast := pint.Checksum(out[len(out)-1])
	rece, err := c.wave.Finished(hkLast, pint.RECE, "")
	require.NoError(t, err)
	_, err = c.hk.SendMsgs(&types.MsgConcludeExport{Platform: c.hk.SenderAccount.GetAddress().String(), BillId: e.id, SignedResponse: rece, LastEntryChecksum: hkLast})
	require.NoError(t, err)
	require.Equal(t, types.BILL_STATUS_EXPORTED, c.bill(c.hk, e.id).Status)

	// WAVE's bank sends it on to shanghai.
	shTrader := pinttest.Party("COSCO trading", types.DefaultPintPlatformCode, c.shParty)
	full, err := c.wave.Append(out, e.doc, "", pinttest.Tx(pint.ActionTransfer, waveBank, &shTrader))
	require.NoError(t, err)
	manifest, err := c.wave.Manifest(e.doc, full)
	require.NoError(t, err)
	res, err := c.sh.SendMsgs(&types.MsgImportBill{Platform: c.shParty, SendingPlatform: "WAVE", TransportDocument: e.doc,
		EnvelopeManifest: manifest, TransferChain: full, Recipient: c.shParty})
	require.NoError(t, err)
	require.Equal(t, types.BILL_STATUS_PENDING, c.bill(c.sh, e.id).Status)
	a := c.handedOver(c.sh, e.id)
	require.Len(t, a.Bills, 1)
	require.Equal(t, "pint:WAVE", a.Bills[0].Arrival)
	require.Len(t, a.History, len(tomb))
	asked := c.registryKey(c.sh, types.KEY_KIND_TRANSPORT_DOCUMENT, e.hash)
	require.Equal(t, c.hk.ChainID, asked.HandoverFrom)
	packets := registryPackets(t, res)
	require.Len(t, packets, 1)
	require.NoError(t, c.reg.RelayPacket(packets[0]))

	b := c.bill(c.sh, e.id)
	require.Equal(t, types.BILL_STATUS_ISSUED, b.Status)
	require.Equal(t, c.shParty, b.Holder)
	h := c.history(c.sh, e.id)
	require.Equal(t, []string{types.ActionImported, keeper.ActionCorridorConfirmed}, actions(h))
	require.Contains(t, h[0].Pint.EntryChecksums, tomb[len(tomb)-1].Pint.LastEntryChecksum)
	require.Equal(t, pintSums(full), h[0].Pint.EntryChecksums)
	require.Equal(t, types.RESERVATION_STATUS_CONFIRMED, c.registryKey(c.sh, types.KEY_KIND_TRANSPORT_DOCUMENT, e.hash).Status)
	require.Equal(t, types.RESERVATION_STATUS_HELD_REMOTE, c.registryKey(c.hk, types.KEY_KIND_TRANSPORT_DOCUMENT, e.hash).Status)
	hkTomb := c.bill(c.hk, e.id)
	require.Equal(t, types.BILL_STATUS_EXPORTED, hkTomb.Status)
	require.Equal(t, c.sh.ChainID, hkTomb.Export.ContinuedOn)
	c.invariants()
	c.genesisValid(c.sh)
	c.genesisValid(c.hk)

	// And it can go the other way again by IBC: hongkong archives its own
	// tombstone in turn.
	p := c.sendAs(c.path.EndpointB, 0, e.id, c.recipient)
	require.NoError(t, c.path.RelayPacket(p))
	require.Equal(t, types.BILL_STATUS_ISSUED, c.bill(c.hk, e.id).Status)
	require.Len(t, c.handedOver(c.hk, e.id).Bills, 1)
	c.invariants()
}

// Issue 37: an export the receiving platform never answered with a signed
// answer (e.g. an HTTP 409 at the start: unsigned, PINT says retry) stays
// EXPORTING until the zone authority withdraws it: only the authority, only
// an open export, with a reason; the bill goes back to the holder who
// exported it (EXPORT_WITHDRAWN), a signed answer arriving later is refused
// (cargo/81), and the bill can be exported again.
func TestWithdrawExportWithoutSignedAnswer(t *testing.T) {
	c := newHandoverCorridor(t)
	e := c.export("COSU0000000034", false)
	k := tctestutil.App(c.sh).CargoKeeper
	srv := keeper.NewMsgServerImpl(k)
	ctx := c.sh.GetContext()
	reason := "WAVE answered 409 to every start; WAVE confirmed it holds no envelope of this bill"

	_, err := srv.WithdrawExport(ctx, &types.MsgWithdrawExport{Authority: c.shParty, BillId: e.id, Reason: reason})
	require.ErrorIs(t, err, types.ErrUnauthorized)
	_, err = srv.WithdrawExport(ctx, &types.MsgWithdrawExport{Authority: k.Authority(), BillId: e.id, Reason: " "})
	require.ErrorIs(t, err, types.ErrInvalidField)
	require.Equal(t, types.BILL_STATUS_EXPORTING, c.bill(c.sh, e.id).Status)

	_, err = srv.WithdrawExport(ctx, &types.MsgWithdrawExport{Authority: k.Authority(), BillId: e.id, Reason: reason})
	require.NoError(t, err)
	c.coord.CommitBlock(c.sh)
	b := c.bill(c.sh, e.id)
	require.Equal(t, types.BILL_STATUS_ISSUED, b.Status)
	require.Equal(t, c.shParty, b.Holder)
	require.Equal(t, reason, b.Export.WithdrawnReason)
	require.NotZero(t, b.Export.WithdrawnHeight)
	require.Empty(t, b.Export.ResponseCode)
	h := c.history(c.sh, e.id)
	last := h[len(h)-1]
	require.Equal(t, types.ActionExportWithdrawn, last.Action)
	require.Equal(t, c.shParty, last.To)
	require.Contains(t, last.Detail, reason)
	c.invariants()

	// Withdrawn once: not again, and a late signed answer is not recorded.
	_, err = srv.WithdrawExport(c.sh.GetContext(), &types.MsgWithdrawExport{Authority: k.Authority(), BillId: e.id, Reason: reason})
	require.ErrorIs(t, err, types.ErrExportWithdrawal)
	rece, err := c.wave.Finished(e.last, pint.RECE, "")
	require.NoError(t, err)
	_, err = c.sh.SendMsgs(&types.MsgConcludeExport{Platform: c.shParty, BillId: e.id, SignedResponse: rece, LastEntryChecksum: e.last})
	require.ErrorContains(t, err, "withdrawn by the zone authority")
	require.Equal(t, types.BILL_STATUS_ISSUED, c.bill(c.sh, e.id).Status)

	// The holder may export it again; that export concludes as usual.
	_, err = c.sh.SendMsgs(&types.MsgExportBill{Holder: c.shParty, BillId: e.id, Platform: "WAVE", RecipientName: waveConsignee.PartyName,
		RecipientCodes: []types.IdentifyingCode{{CodeListProvider: "WAVE", PartyCode: "WC-1"}}})
	require.NoError(t, err)
	again, err := c.wave.Finished(pint.Checksum("second envelope"), pint.RECE, "")
	require.NoError(t, err)
	_, err = c.sh.SendMsgs(&types.MsgConcludeExport{Platform: c.shParty, BillId: e.id, SignedResponse: again, LastEntryChecksum: pint.Checksum("second envelope")})
	require.NoError(t, err)
	require.Equal(t, types.BILL_STATUS_EXPORTED, c.bill(c.sh, e.id).Status)
	c.invariants()
}
