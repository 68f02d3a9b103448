package cargo_test

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// A party of the destination zone learns a bill's transport document hash
// (say from a copy of the document) and anchors it there before the bill
// arrives: as a TRANSPORT_DOCUMENT it is refused; as anything else it is the
// party's own anchor, and the bill still arrives — and goes home and comes
// back — with the carrier's issuance as what a verifier sees on that zone.
func TestSquattedHashDoesNotBlockArrival(t *testing.T) {
	c := newCorridor(t)
	id := c.issue("SQ1")
	hash := fmt.Sprintf("%x", sha256.Sum256([]byte("SQ1")))
	squatter := c.sh.SenderAccounts[2].SenderAccount.GetAddress().String() // a party of shanghai (a registered relayer)
	srv := keeper.NewMsgServerImpl(tctestutil.App(c.sh).CargoKeeper)
	_, err := srv.AnchorDocument(c.sh.GetContext(), &types.MsgAnchorDocument{Owner: squatter, Hash: hash, DocType: "TRANSPORT_DOCUMENT"})
	tctestutil.RequireCode(t, err, types.ErrTransportDocument)
	_, err = srv.AnchorDocument(c.sh.GetContext(), &types.MsgAnchorDocument{Owner: squatter, Hash: hash, DocType: "OTHER"})
	require.NoError(t, err)
	c.coord.CommitBlock(c.sh)

	hkAddr, shAddr := c.hk.SenderAccount.GetAddress().String(), c.sh.SenderAccount.GetAddress().String()
	require.NoError(t, c.path.RelayPacket(c.send(c.path.EndpointA, id, shAddr, 0)))
	arrived := c.bill(c.sh, id)
	require.Equal(t, types.BILL_STATUS_ISSUED, arrived.Status, "the squatted hash did not refuse the bill")
	require.Equal(t, shAddr, arrived.Holder)
	require.Equal(t, types.BILL_STATUS_TRANSFERRED_OUT, c.bill(c.hk, id).Status)

	res, err := keeper.NewQueryServerImpl(tctestutil.App(c.sh).CargoKeeper).Document(c.sh.GetContext(), &types.QueryDocumentRequest{Hash: hash})
	require.NoError(t, err)
	require.Equal(t, "TRANSPORT_DOCUMENT", res.Document.DocType)
	require.Equal(t, id, res.Document.BillId)
	require.Equal(t, hkAddr, res.Document.AnchoredBy, "the carrier's issuance")
	require.Len(t, res.Anchors, 1)
	require.Equal(t, squatter, res.Anchors[0].AnchoredBy)
	c.invariants()

	// Home and back again: the squatter's anchor never gets in the way.
	require.NoError(t, c.path.RelayPacket(c.send(c.path.EndpointB, id, hkAddr, 0)))
	require.Equal(t, types.BILL_STATUS_ISSUED, c.bill(c.hk, id).Status)
	require.NoError(t, c.path.RelayPacket(c.send(c.path.EndpointA, id, shAddr, 0)))
	require.Equal(t, types.BILL_STATUS_ISSUED, c.bill(c.sh, id).Status)
	c.invariants()
}
