package types

import (
	"time"

	errorsmod "cosmossdk.io/errors"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// DefaultParams: Saturday and Sunday closed, no holidays, 5 banking days to
// examine (UCP 600 Art. 14(b)), at most 50 deemed settlements per block.
func DefaultParams() Params {
	return Params{WeekendDays: []uint32{0, 6}, ExaminationDays: 5, MaxSettlementsPerBlock: 50}
}

// Validate checks the parameters.
func (p Params) Validate() error {
	seen := map[uint32]bool{}
	for _, d := range p.WeekendDays {
		if d > 6 || seen[d] {
			return errorsmod.Wrapf(ErrInvalidField, "weekend day %d: want distinct days 0 (Sunday) .. 6 (Saturday)", d)
		}
		seen[d] = true
	}
	if len(p.WeekendDays) > 5 {
		return errorsmod.Wrap(ErrInvalidField, "at least two days a week must be banking days")
	}
	if len(p.Holidays) > 1000 {
		return errorsmod.Wrap(ErrInvalidField, "at most 1000 holidays")
	}
	for _, h := range p.Holidays {
		if _, err := cargotypes.ParseDate("holiday", h); err != nil {
			return err
		}
	}
	if p.ExaminationDays < 1 || p.ExaminationDays > 30 {
		return errorsmod.Wrapf(ErrInvalidField, "examination_days %d: want 1..30", p.ExaminationDays)
	}
	if p.MaxSettlementsPerBlock < 1 || p.MaxSettlementsPerBlock > 1000 {
		return errorsmod.Wrapf(ErrInvalidField, "max_settlements_per_block %d: want 1..1000", p.MaxSettlementsPerBlock)
	}
	return nil
}

// IsBankingDay reports whether day (a UTC date) is a banking day of the zone.
func (p Params) IsBankingDay(day time.Time) bool {
	wd := uint32(day.Weekday())
	for _, d := range p.WeekendDays {
		if d == wd {
			return false
		}
	}
	s := day.Format(cargotypes.DateLayout)
	for _, h := range p.Holidays {
		if h == s {
			return false
		}
	}
	return true
}

// ExaminationDeadline returns the end (exclusive, 00:00 UTC of the next day)
// of the n-th banking day following the day of presentation.
func (p Params) ExaminationDeadline(presented time.Time) time.Time {
	day := time.Date(presented.Year(), presented.Month(), presented.Day(), 0, 0, 0, 0, time.UTC)
	for n := uint32(0); n < p.ExaminationDays; {
		day = day.AddDate(0, 0, 1)
		if p.IsBankingDay(day) {
			n++
		}
	}
	return day.AddDate(0, 0, 1)
}

// NextBankingDay returns day itself if it is a banking day, else the next one
// (UCP 600 Art. 29: an expiry on a closed day extends to the next banking day).
func (p Params) NextBankingDay(day time.Time) time.Time {
	for i := 0; i < 366 && !p.IsBankingDay(day); i++ {
		day = day.AddDate(0, 0, 1)
	}
	return day
}
