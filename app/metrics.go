package app

import (
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	"github.com/prometheus/client_golang/prometheus"

	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	tftypes "github.com/tradechain/tradechain/x/tradefinance/types"
)

// tradeCollector exports the zone's trade state to Prometheus, read from the
// last committed state at each scrape (nothing is computed in a block):
// bills by status, packets in flight per port, LC escrow outstanding per
// deposit token, active financings and presentations due for settlement.
// The node serves it with the SDK's metrics at the REST server's
// /metrics?format=prometheus when telemetry is on (the default of
// `tradechaind init`). Counters of bill actions and of cargo packets sent and
// received per channel come from the keepers through the SDK's telemetry.
type tradeCollector struct {
	app                                                     *App
	bills, inFlight, escrow, financings, settlementsDue, up *prometheus.Desc
	signatures                                              *prometheus.Desc
}

func newTradeCollector(app *App) *tradeCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("tradechain_"+name, help, labels, nil)
	}
	return &tradeCollector{
		app:            app,
		bills:          d("bills", "Bills on this zone by status (TRANSFERRED_OUT: tombstones of bills whose control lives on the other zone).", "status"),
		inFlight:       d("packets_in_flight", "Packets sent and not yet acknowledged or timed out: cargo (bills IN_TRANSIT), registry (reservations PENDING).", "port"),
		escrow:         d("lc_escrow_outstanding", "Deposit tokens held in escrow for open and presented letters of credit.", "denom"),
		financings:     d("financings_active", "Invoice financings disbursed and not yet repaid or defaulted."),
		settlementsDue: d("settlements_due", "Presentations whose examination deadline has passed: MsgSettlePresentation may settle them now."),
		up:             d("trade_metrics_up", "1 when the last scrape read the zone's state, 0 when it could not."),
		signatures: d("signature_checks_total", "Signature checks of this node since it started: verified ahead of CheckTx outside the ABCI lock (ahead), "+
			"skipped in CheckTx or a block because the same signature over the same sign bytes was verified (remembered), verified under the lock (verified).", "path"),
	}
}

// Describe implements prometheus.Collector.
func (c *tradeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.bills, c.inFlight, c.escrow, c.financings, c.settlementsDue, c.up, c.signatures} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *tradeCollector) Collect(ch chan<- prometheus.Metric) {
	if v := c.app.VerifiedSignatures; v != nil {
		hits, misses := v.Stats()
		for path, n := range map[string]uint64{"ahead": v.Preverified(), "remembered": hits, "verified": misses} {
			ch <- prometheus.MustNewConstMetric(c.signatures, prometheus.CounterValue, float64(n), path)
		}
	}
	if err := c.collect(ch); err != nil {
		c.app.Logger().Error("trade metrics", "err", err)
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
}

func (c *tradeCollector) collect(ch chan<- prometheus.Metric) error {
	if c.app.LastBlockHeight() == 0 {
		return errors.New("no block committed yet")
	}
	ctx, err := c.app.CreateQueryContext(0, false)
	if err != nil {
		return err
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}

	cargo := c.app.CargoKeeper
	for i := int32(1); i < int32(len(cargotypes.BillStatus_name)); i++ {
		n, err := cargo.Bills.Indexes.Status.Count(ctx, i)
		if err != nil {
			return err
		}
		gauge(c.bills, float64(n), cargotypes.BillStatus(i).String())
		if cargotypes.BillStatus(i) == cargotypes.BILL_STATUS_IN_TRANSIT {
			gauge(c.inFlight, float64(n), cargotypes.PortID)
		}
	}
	pending, err := countPrefix(cargo.RegistryOpen.Iterate(ctx, cargokeeper.OpenReservations(cargotypes.RESERVATION_STATUS_PENDING)))
	if err != nil {
		return err
	}
	gauge(c.inFlight, float64(pending), cargotypes.RegistryPortID)

	tf := c.app.TradeFinanceKeeper
	escrow := map[string]float64{}
	if err := tf.LCs.Walk(ctx, nil, func(_ uint64, lc tftypes.LetterOfCredit) (bool, error) {
		if lc.Status == tftypes.LC_STATUS_OPEN || lc.Status == tftypes.LC_STATUS_PRESENTED {
			f, _ := lc.Escrow.Amount.ToLegacyDec().Float64() // a metric, never state
			escrow[lc.Escrow.Denom] += f
		}
		return false, nil
	}); err != nil {
		return fmt.Errorf("letters of credit: %w", err)
	}
	for denom, v := range escrow {
		gauge(c.escrow, v, denom)
	}
	active := 0
	if err := tf.Financings.Walk(ctx, nil, func(_ uint64, f tftypes.Financing) (bool, error) {
		if f.Status == tftypes.FINANCING_STATUS_ACTIVE {
			active++
		}
		return false, nil
	}); err != nil {
		return fmt.Errorf("financings: %w", err)
	}
	gauge(c.financings, float64(active))
	due := 0
	now := ctx.BlockTime().Unix()
	if err := tf.Deadlines.Walk(ctx, nil, func(k collections.Pair[int64, uint64]) (bool, error) {
		if k.K1() > now {
			return true, nil // the queue is ordered by deadline
		}
		due++
		return false, nil
	}); err != nil {
		return fmt.Errorf("deadlines: %w", err)
	}
	gauge(c.settlementsDue, float64(due))
	return nil
}

// countPrefix counts the keys of an index range.
func countPrefix(it interface {
	Valid() bool
	Next()
	Close() error
}, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	defer it.Close()
	n := 0
	for ; it.Valid(); it.Next() {
		n++
	}
	return n, nil
}

// registerTradeMetrics adds the trade collector to Prometheus's default
// registry, which the SDK's telemetry serves. One app per process serves
// them (a second registration, as in tests, is ignored).
func registerTradeMetrics(app *App) {
	err := prometheus.Register(newTradeCollector(app))
	var already prometheus.AlreadyRegisteredError
	if err != nil && !errors.As(err, &already) {
		panic(err)
	}
}
