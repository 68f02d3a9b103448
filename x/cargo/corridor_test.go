package cargo_test

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// rogue is a third zone linked to hongkong (chain 1) that is not on its
// corridor allowlist; it runs the same binary and trusts hongkong back.
type rogue struct {
	*corridor
	chain *ibctesting.TestChain
	path  *ibctesting.Path // hk = EndpointA, rogue = EndpointB
}

func newRogue(t *testing.T) *rogue {
	c := newCorridor(t)
	chain := ibctesting.NewTestChain(t, c.coord, "rogue-1")
	c.coord.Chains[chain.ChainID] = chain
	addr := chain.SenderAccount.GetAddress().String()
	// The rogue registers a "carrier" with the real carrier's code COS.
	require.NoError(t, tctestutil.App(chain).CargoKeeper.Parties.Set(chain.GetContext(), addr, types.Party{Address: addr, Code: "COS",
		Name: "Rogue carrier", Jurisdiction: "HK", Roles: []types.Role{types.ROLE_CARRIER, types.ROLE_TRADER}, Active: true}))
	c.coord.CommitBlock(chain)
	path := ibctesting.NewPath(c.hk, chain)
	for _, ep := range []*ibctesting.Endpoint{path.EndpointA, path.EndpointB} {
		ep.ChannelConfig.PortID, ep.ChannelConfig.Version, ep.ChannelConfig.Order = types.PortID, types.Version, channeltypes.UNORDERED
	}
	c.coord.SetupConnections(path)
	tctestutil.TrustCounterparty(path.EndpointB)
	c.coord.CommitBlock(chain)
	return &rogue{corridor: c, chain: chain, path: path}
}

// hkState is what a refused handshake or packet must leave unchanged on hongkong.
func (r *rogue) hkState() string {
	gs, err := tctestutil.App(r.hk).CargoKeeper.ExportGenesis(r.hk.GetContext())
	require.NoError(r.t, err)
	return gs.String()
}

// A chain that is not on the allowlist cannot open a channel to the cargo
// port, whichever side starts the handshake.
func TestCorridorHandshakeRefused(t *testing.T) {
	r := newRogue(t)
	err := r.path.EndpointA.ChanOpenInit()
	requireUntrusted(t, err)
	require.ErrorContains(t, err, "see `q cargo corridor`")

	require.NoError(t, r.path.EndpointB.ChanOpenInit()) // the rogue trusts hongkong
	requireUntrusted(t, r.path.EndpointA.ChanOpenTry())

	// A link that names the rogue's client under the sister zone's chain id
	// is refused: the chain id is read from the light client.
	_, err = keeper.NewMsgServerImpl(tctestutil.App(r.hk).CargoKeeper).SetCorridorLink(r.hk.GetContext(), &types.MsgSetCorridorLink{
		Authority: tctestutil.App(r.hk).CargoKeeper.Authority(),
		Link:      types.CorridorLink{ChainId: r.sh.ChainID, ClientId: r.path.EndpointA.ClientID, ConnectionId: r.path.EndpointA.ConnectionID},
	})
	require.ErrorIs(t, err, types.ErrUntrustedChannel)
	require.ErrorContains(t, err, `follows chain "rogue-1"`)

	// Ack: hongkong opened while the rogue was trusted, then the authority
	// removed it before the handshake finished.
	r2 := newRogue(t)
	tctestutil.TrustCounterparty(r2.path.EndpointA)
	r2.coord.CommitBlock(r2.hk)
	require.NoError(t, r2.path.EndpointA.ChanOpenInit())
	require.NoError(t, r2.path.EndpointB.ChanOpenTry())
	untrust(t, r2.hk, r2.chain.ChainID)
	requireUntrusted(t, r2.path.EndpointA.ChanOpenAck())

	// Confirm: the rogue opened, hongkong tried while trusting it, then removed it.
	r3 := newRogue(t)
	tctestutil.TrustCounterparty(r3.path.EndpointA)
	r3.coord.CommitBlock(r3.hk)
	require.NoError(t, r3.path.EndpointB.ChanOpenInit())
	require.NoError(t, r3.path.EndpointA.ChanOpenTry())
	require.NoError(t, r3.path.EndpointB.ChanOpenAck())
	untrust(t, r3.hk, r3.chain.ChainID)
	requireUntrusted(t, r3.path.EndpointA.ChanOpenConfirm())
}

// A channel opened while the counterparty was trusted cannot be used once it
// is not: its packets get an error acknowledgement (no bill, no anchored
// document, no class trace on hongkong; the rogue's bill is refunded), and
// hongkong sends no bill over it. The sister zone keeps working.
func TestCorridorPacketFromUntrustedChannel(t *testing.T) {
	r := newRogue(t)
	tctestutil.TrustCounterparty(r.path.EndpointA)
	r.coord.CommitBlock(r.hk)
	r.coord.CreateChannels(r.path)
	untrust(t, r.hk, r.chain.ChainID)
	before := r.hkState()

	// The rogue issues a forged "COS" bill and sends it to hongkong's trader.
	sender := r.chain.SenderAccount.GetAddress().String()
	_, err := r.chain.SendMsgs(&types.MsgIssueBill{Carrier: sender, TransportDocumentReference: "FORGED1", Type: types.BILL_TYPE_BOL,
		Mode: types.BILL_MODE_TO_ORDER, IssueTo: sender, DocumentHash: hashOf("forged"), PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2020-01-01"})
	require.NoError(t, err)
	packet := (&corridor{t: t}).send(r.path.EndpointB, "COS-FORGED1", r.hk.SenderAccount.GetAddress().String(), 0)
	require.NoError(t, r.path.EndpointA.UpdateClient())
	res, err := r.path.EndpointA.RecvPacketWithResult(packet)
	require.NoError(t, err)
	ack, err := ibctesting.ParseAckFromEvents(res.Events)
	require.NoError(t, err)
	require.Contains(t, string(ack), "error")
	refused := false
	for _, ev := range res.Events {
		if ev.Type == "ibccallbackerror-tradechain.cargo.v1.EventCargoPacketRefused" {
			for _, a := range ev.Attributes {
				if a.Key == "ibccallbackerror-reason" {
					refused = true
					require.Contains(t, a.Value, "corridor allowlist")
				}
			}
		}
	}
	require.Truef(t, refused, "the refusal says why in an event: %v", res.Events)
	require.Equal(t, before, r.hkState(), "nothing created, anchored or traced on hongkong")
	_, err = tctestutil.App(r.hk).CargoKeeper.DocumentAnchors(r.hk.GetContext(), hashOf("forged"))
	require.ErrorIs(t, err, types.ErrDocumentNotFound)

	// The rogue's bill comes back to its sender on the error ack.
	require.NoError(t, r.path.EndpointB.AcknowledgePacket(packet, ack))
	b, err := tctestutil.App(r.chain).CargoKeeper.GetBill(r.chain.GetContext(), "COS-FORGED1")
	require.NoError(t, err)
	require.Equal(t, types.BILL_STATUS_ISSUED, b.Status)

	// Hongkong does not send a title over the untrusted channel.
	id := r.issue("HK1")
	_, err = r.hk.SendMsgs(&types.MsgSendBill{Holder: r.hk.SenderAccount.GetAddress().String(), BillId: id,
		Channel: r.path.EndpointA.ChannelID, Receiver: sender})
	require.ErrorContains(t, err, "corridor allowlist")
	require.Equal(t, types.BILL_STATUS_ISSUED, r.bill(r.hk, id).Status)

	// The sister zone still works.
	p := r.send(r.corridor.path.EndpointA, id, r.sh.SenderAccount.GetAddress().String(), 0)
	require.NoError(t, r.corridor.path.RelayPacket(p))
	require.Equal(t, types.BILL_STATUS_TRANSFERRED_OUT, r.bill(r.hk, id).Status)
	require.Equal(t, types.BILL_STATUS_ISSUED, r.bill(r.sh, id).Status)
	r.invariants()

	// The corridor query shows the trusted link and its channel.
	q, err := keeper.NewQueryServerImpl(tctestutil.App(r.hk).CargoKeeper).Corridor(r.hk.GetContext(), &types.QueryCorridorRequest{})
	require.NoError(t, err)
	require.Len(t, q.Links, 1)
	require.Equal(t, r.sh.ChainID, q.Links[0].Link.ChainId)
	require.True(t, q.Links[0].Trusted, q.Links[0].Problem)
	require.Equal(t, []string{r.corridor.path.EndpointA.ChannelID}, q.Links[0].CargoChannels)
}

// The allowlist is the zone authority's: others are refused, links are checked.
func TestCorridorLinkMessages(t *testing.T) {
	c := newCorridor(t)
	k := tctestutil.App(c.hk).CargoKeeper
	srv := keeper.NewMsgServerImpl(k)
	ep := c.path.EndpointA
	link := types.CorridorLink{ChainId: c.sh.ChainID, ClientId: ep.ClientID, ConnectionId: ep.ConnectionID}
	ctx, _ := c.hk.GetContext().CacheContext()
	for _, tc := range []struct {
		name string
		msg  *types.MsgSetCorridorLink
		want error
	}{
		{"not the authority", &types.MsgSetCorridorLink{Authority: c.hk.SenderAccount.GetAddress().String(), Link: link}, types.ErrUnauthorized},
		{"bad chain id", &types.MsgSetCorridorLink{Authority: k.Authority(), Link: types.CorridorLink{ChainId: "Shanghai 1", ClientId: ep.ClientID, ConnectionId: ep.ConnectionID}}, types.ErrInvalidField},
		{"bad client id", &types.MsgSetCorridorLink{Authority: k.Authority(), Link: types.CorridorLink{ChainId: c.sh.ChainID, ClientId: "06-solomachine-0", ConnectionId: ep.ConnectionID}}, types.ErrInvalidField},
		{"unknown client", &types.MsgSetCorridorLink{Authority: k.Authority(), Link: types.CorridorLink{ChainId: c.sh.ChainID, ClientId: "07-tendermint-9", ConnectionId: ep.ConnectionID}}, types.ErrUntrustedChannel},
		{"unknown connection", &types.MsgSetCorridorLink{Authority: k.Authority(), Link: types.CorridorLink{ChainId: c.sh.ChainID, ClientId: ep.ClientID, ConnectionId: "connection-9"}}, types.ErrUntrustedChannel},
	} {
		_, err := srv.SetCorridorLink(ctx, tc.msg)
		require.ErrorIs(t, err, tc.want, tc.name)
	}
	_, err := srv.RemoveCorridorLink(ctx, &types.MsgRemoveCorridorLink{Authority: c.hk.SenderAccount.GetAddress().String(), ChainId: c.sh.ChainID})
	require.ErrorIs(t, err, types.ErrUnauthorized)
	_, err = srv.RemoveCorridorLink(ctx, &types.MsgRemoveCorridorLink{Authority: k.Authority(), ChainId: "nowhere-1"})
	require.ErrorIs(t, err, types.ErrUntrustedChannel)
	_, err = srv.RemoveCorridorLink(ctx, &types.MsgRemoveCorridorLink{Authority: k.Authority(), ChainId: c.sh.ChainID})
	require.NoError(t, err)
	p, err := k.Params.Get(ctx)
	require.NoError(t, err)
	require.Empty(t, p.Corridor)
	_, err = srv.SetCorridorLink(ctx, &types.MsgSetCorridorLink{Authority: k.Authority(), Link: link})
	require.NoError(t, err)
	p, err = k.Params.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, []types.CorridorLink{link}, p.Corridor)
}

func untrust(t *testing.T, chain *ibctesting.TestChain, chainID string) {
	k := tctestutil.App(chain).CargoKeeper
	_, err := keeper.NewMsgServerImpl(k).RemoveCorridorLink(chain.GetContext(), &types.MsgRemoveCorridorLink{Authority: k.Authority(), ChainId: chainID})
	require.NoError(t, err)
	chain.NextBlock()
}

func hashOf(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s))) }

// requireUntrusted: ibctesting returns a handshake's error as text, which
// carries the registered error's code and message.
func requireUntrusted(t *testing.T, err error) {
	t.Helper()
	tctestutil.RequireCode(t, err, types.ErrUntrustedChannel)
}
