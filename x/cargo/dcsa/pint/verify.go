package pint

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tradechain/tradechain/x/cargo/dcsa"
)

// MaxChainEntries bounds the transfer chain of one envelope.
const MaxChainEntries = 256

// Error is a refusal of an envelope (or of a signed answer) with the PINT
// response code it maps to and the reason, for the receiving platform's
// signed answer.
type Error struct {
	Code   ResponseCode
	Reason string
	// Err is the underlying cause, if any (ErrSignature, ErrUnknownKey...).
	Err error
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Reason }
func (e *Error) Unwrap() error { return e.Err }

// CodeOf returns the response code of an error from this package's
// verification functions ("" when err is nil or not an *Error).
func CodeOf(err error) ResponseCode {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func fail(code ResponseCode, cause error, format string, args ...any) *Error {
	r := fmt.Sprintf(format, args...)
	if cause != nil {
		r += ": " + cause.Error()
	}
	if len(r) > 255 { // EnvelopeTransferFinishedResponse.reason maxLength
		r = r[:252] + "..."
	}
	return &Error{Code: code, Reason: r, Err: cause}
}

// KeysFunc returns the key set of the eBL platform with this code, or an
// error when the platform is not trusted.
type KeysFunc func(platform string) (*KeySet, error)

// EnvelopeInput is a received envelope and what it is verified against.
type EnvelopeInput struct {
	// TransportDocument is the transportDocument JSON as received.
	TransportDocument []byte
	// EnvelopeManifest is envelopeManifestSignedContent.
	EnvelopeManifest string
	// TransferChain is envelopeTransferChain, oldest first.
	TransferChain []string
	// SendingPlatform is the code of the platform the envelope came from: it
	// signs the manifest, and the last chain entry is its.
	SendingPlatform string
	// ReceivingPlatform is this platform's code: the last transaction's
	// recipient must be on it.
	ReceivingPlatform string
	// Keys returns a trusted platform's key set. Every chain entry is
	// verified against the keys of the platform it names (eblPlatform).
	Keys KeysFunc
	// IssuanceKeys, if set, returns the keys the carrier's issuance manifest
	// (in the first entry) may be signed with; a kid found in none of them
	// leaves the manifest unverified (IssuanceManifestVerified false) but its
	// documentChecksum is still checked. Nil: not checked.
	IssuanceKeys func(kid string) []*KeySet
}

// Envelope is a verified envelope.
type Envelope struct {
	Manifest EnvelopeManifest
	// Entries and EntryChecksums are the chain, oldest first.
	Entries        []EnvelopeTransferChainEntry
	EntryChecksums []string
	// LastEntryChecksum identifies the envelope (DUPE detection).
	LastEntryChecksum string
	// TransportDocumentChecksum is dcsa.Hash of the document.
	TransportDocumentChecksum string
	Document                  *dcsa.TransportDocument
	// IssuanceManifest, from the first entry.
	IssuanceManifest         IssuanceManifest
	IssuanceManifestVerified bool
	// LastTransaction is the last transaction of the last entry; Recipient
	// its recipient, on ReceivingPlatform.
	LastTransaction Transaction
	Recipient       Party
}

// VerifyEnvelope checks a received PINT envelope completely:
//   - the transport document is a DCSA document this corridor accepts and
//     its checksum (RFC 8785 + SHA-256) is the one the manifest and every
//     chain entry sign (BENV otherwise);
//   - the manifest is a JWS of an allowed algorithm signed by a key of the
//     sending platform (BSIG), naming the last entry's checksum (BSIG);
//   - every chain entry is a JWS signed by a key of the platform it names,
//     and that platform is trusted (BSIG); the last entry is the sending
//     platform's (BENV);
//   - the entries link: each entry's previousEnvelopeTransferChainEntrySignedContentChecksum
//     is the SHA-256 of the previous entry's JWS, the first has none (BENV);
//   - the first entry carries the carrier's issuance manifest, whose
//     documentChecksum is the document's (BENV; BSIG when its signature
//     does not verify with a known key), and its first transaction is ISSUE;
//   - every transaction has a valid action code and actor; nothing follows
//     a SACC (BENV);
//   - the last transaction has a recipient on ReceivingPlatform (BENV).
//
// The result's error is an *Error with the response code.
func VerifyEnvelope(in EnvelopeInput) (*Envelope, error) {
	if in.Keys == nil {
		return nil, fail(BSIG, nil, "no trusted platform keys")
	}
	if len(in.TransferChain) == 0 {
		return nil, fail(BENV, nil, "envelopeTransferChain is empty")
	}
	if len(in.TransferChain) > MaxChainEntries {
		return nil, fail(BENV, nil, "envelopeTransferChain has %d entries, at most %d", len(in.TransferChain), MaxChainEntries)
	}
	doc, err := dcsa.Parse(in.TransportDocument)
	if err != nil {
		return nil, fail(BENV, err, "transportDocument")
	}
	out := &Envelope{TransportDocumentChecksum: doc.Hash, Document: doc}

	// The manifest: signed by the sending platform.
	sender, err := in.Keys(in.SendingPlatform)
	if err != nil {
		return nil, fail(BSIG, err, "sending platform %q is not trusted", in.SendingPlatform)
	}
	mj, err := Parse(in.EnvelopeManifest)
	if err != nil {
		return nil, fail(BSIG, err, "envelopeManifestSignedContent")
	}
	if err := mj.VerifyWith(sender); err != nil {
		return nil, fail(BSIG, err, "envelopeManifestSignedContent is not signed by platform %s", in.SendingPlatform)
	}
	if err := decodeStrict(mj.Payload, &out.Manifest); err != nil {
		return nil, fail(BENV, err, "envelope manifest payload")
	}
	m := out.Manifest
	if !IsChecksum(m.TransportDocumentChecksum) || !IsChecksum(m.LastEnvelopeTransferChainEntrySignedContentChecksum) {
		return nil, fail(BENV, nil, "envelope manifest checksums must be 64 lower-case hex characters")
	}
	for _, d := range m.AdditionalDocuments() {
		if !IsChecksum(d.DocumentChecksum) || d.Size < 1 || d.Name == "" {
			return nil, fail(BENV, nil, "envelope manifest lists an additional document without a valid checksum, size and name")
		}
	}
	if m.TransportDocumentChecksum != doc.Hash {
		return nil, fail(BENV, nil, "the manifest signs transport document checksum %s, the document's is %s", m.TransportDocumentChecksum, doc.Hash)
	}

	// The chain.
	out.Entries = make([]EnvelopeTransferChainEntry, len(in.TransferChain))
	out.EntryChecksums = make([]string, len(in.TransferChain))
	surrenderAccepted := false
	for i, compact := range in.TransferChain {
		out.EntryChecksums[i] = Checksum(compact)
		j, err := Parse(compact)
		if err != nil {
			return nil, fail(BSIG, err, "envelopeTransferChain[%d]", i)
		}
		var e EnvelopeTransferChainEntry
		if err := decodeStrict(j.Payload, &e); err != nil {
			return nil, fail(BENV, err, "envelopeTransferChain[%d] payload", i)
		}
		keys, err := in.Keys(e.EblPlatform)
		if err != nil {
			return nil, fail(BSIG, err, "envelopeTransferChain[%d] names platform %q, which is not trusted", i, e.EblPlatform)
		}
		if err := j.VerifyWith(keys); err != nil {
			return nil, fail(BSIG, err, "envelopeTransferChain[%d] is not signed by platform %s", i, e.EblPlatform)
		}
		if e.TransportDocumentChecksum != doc.Hash {
			return nil, fail(BENV, nil, "envelopeTransferChain[%d] is for transport document %s, not this one (%s)", i, e.TransportDocumentChecksum, doc.Hash)
		}
		if i == 0 {
			if e.PreviousEnvelopeTransferChainEntrySignedContentChecksum != "" {
				return nil, fail(BENV, nil, "the first transfer chain entry has a previous entry checksum")
			}
			if e.IssuanceManifestSignedContent == "" {
				return nil, fail(BENV, nil, "the first transfer chain entry has no issuanceManifestSignedContent")
			}
			if len(e.Transactions) == 0 || e.Transactions[0].ActionCode != ActionIssue {
				return nil, fail(BENV, nil, "the first transfer chain entry does not start with the ISSUE transaction")
			}
			im, verified, err := verifyIssuanceManifest(e.IssuanceManifestSignedContent, doc.Hash, in.IssuanceKeys)
			if err != nil {
				return nil, err
			}
			out.IssuanceManifest, out.IssuanceManifestVerified = im, verified
		} else {
			if e.PreviousEnvelopeTransferChainEntrySignedContentChecksum != out.EntryChecksums[i-1] {
				return nil, fail(BENV, nil, "envelopeTransferChain[%d] does not link to entry %d (previous checksum %q, entry %d's is %s)",
					i, i-1, e.PreviousEnvelopeTransferChainEntrySignedContentChecksum, i-1, out.EntryChecksums[i-1])
			}
			if e.IssuanceManifestSignedContent != "" || e.ControlTrackingRegistry != "" {
				return nil, fail(BENV, nil, "envelopeTransferChain[%d]: only the first entry carries the issuance manifest and the control tracking registry", i)
			}
		}
		if len(e.Transactions) == 0 {
			return nil, fail(BENV, nil, "envelopeTransferChain[%d] has no transactions", i)
		}
		for t, tx := range e.Transactions {
			if surrenderAccepted {
				return nil, fail(BENV, nil, "envelopeTransferChain[%d] transaction %d follows a SACC", i, t)
			}
			if err := checkTransaction(tx); err != nil {
				return nil, fail(BENV, err, "envelopeTransferChain[%d] transaction %d", i, t)
			}
			if tx.ActionCode == ActionSACC {
				surrenderAccepted = true
			}
		}
		out.Entries[i] = e
	}
	last := out.Entries[len(out.Entries)-1]
	out.LastEntryChecksum = out.EntryChecksums[len(out.EntryChecksums)-1]
	if m.LastEnvelopeTransferChainEntrySignedContentChecksum != out.LastEntryChecksum {
		return nil, fail(BSIG, nil, "the manifest signs last entry checksum %s, the last entry's is %s",
			m.LastEnvelopeTransferChainEntrySignedContentChecksum, out.LastEntryChecksum)
	}
	if last.EblPlatform != in.SendingPlatform {
		return nil, fail(BENV, nil, "the last transfer chain entry is platform %s's, the envelope comes from %s", last.EblPlatform, in.SendingPlatform)
	}
	out.LastTransaction = last.Transactions[len(last.Transactions)-1]
	if out.LastTransaction.Recipient == nil {
		return nil, fail(BENV, nil, "the last transaction (%s) has no recipient", out.LastTransaction.ActionCode)
	}
	out.Recipient = *out.LastTransaction.Recipient
	if out.Recipient.EblPlatform != in.ReceivingPlatform {
		return nil, fail(BENV, nil, "the last transaction's recipient is on platform %q, not this one (%s)", out.Recipient.EblPlatform, in.ReceivingPlatform)
	}
	return out, nil
}

func checkTransaction(tx Transaction) error {
	ok := false
	for _, a := range ActionCodes {
		if tx.ActionCode == a {
			ok = true
		}
	}
	if !ok {
		return fmt.Errorf("actionCode %q is not a PINT action", tx.ActionCode)
	}
	if err := checkParty("actor", tx.Actor); err != nil {
		return err
	}
	if tx.Recipient != nil {
		if err := checkParty("recipient", *tx.Recipient); err != nil {
			return err
		}
	}
	if tx.ActionDateTime == "" {
		return errors.New("no actionDateTime")
	}
	return nil
}

func checkParty(role string, p Party) error {
	if strings.TrimSpace(p.PartyName) == "" || len(p.PartyName) > 70 {
		return fmt.Errorf("%s partyName empty or longer than 70", role)
	}
	if p.EblPlatform == "" || len(p.EblPlatform) > 4 || strings.ContainsAny(p.EblPlatform, " \t\r\n") {
		return fmt.Errorf("%s eblPlatform %q", role, p.EblPlatform)
	}
	if len(p.IdentifyingCodes) == 0 {
		return fmt.Errorf("%s has no identifyingCodes", role)
	}
	for _, c := range p.IdentifyingCodes {
		if c.CodeListProvider == "" || c.PartyCode == "" || len(c.CodeListProvider) > 100 || len(c.PartyCode) > 150 {
			return fmt.Errorf("%s identifying code without codeListProvider or partyCode", role)
		}
	}
	return nil
}

// verifyIssuanceManifest reads the carrier's issuance manifest: its
// documentChecksum must be docHash (BENV); its signature is checked with the
// first key set of keys(kid) that has the kid (BSIG when it does not verify).
func verifyIssuanceManifest(compact, docHash string, keys func(kid string) []*KeySet) (IssuanceManifest, bool, error) {
	var im IssuanceManifest
	j, err := Parse(compact)
	if err != nil {
		return im, false, fail(BSIG, err, "issuanceManifestSignedContent")
	}
	if err := decodeStrict(j.Payload, &im); err != nil {
		return im, false, fail(BENV, err, "issuance manifest payload")
	}
	if !IsChecksum(im.DocumentChecksum) || !IsChecksum(im.IssueToChecksum) {
		return im, false, fail(BENV, nil, "issuance manifest checksums must be 64 lower-case hex characters")
	}
	if im.DocumentChecksum != docHash {
		return im, false, fail(BENV, nil, "the issuance manifest signs document checksum %s, the document's is %s", im.DocumentChecksum, docHash)
	}
	if keys == nil {
		return im, false, nil
	}
	for _, ks := range keys(j.Header.Kid) {
		if _, err := ks.Lookup(j.Header.Kid, j.Header.Alg); err != nil {
			continue
		}
		if err := j.VerifyWith(ks); err != nil {
			return im, false, fail(BSIG, err, "issuanceManifestSignedContent")
		}
		return im, true, nil
	}
	return im, false, nil
}

// VerifyIssuanceManifest checks a DCSA Issuance API request's signed
// manifest against the carrier's keys: the signature, documentChecksum =
// dcsa.Hash(document) and issueToChecksum = SHA-256 of the RFC 8785 form of
// issueTo. It returns the document's on-chain fields.
func VerifyIssuanceManifest(compact string, document, issueTo []byte, carrier *KeySet) (*dcsa.TransportDocument, IssuanceManifest, error) {
	var im IssuanceManifest
	doc, err := dcsa.Parse(document)
	if err != nil {
		return nil, im, err
	}
	j, err := Parse(compact)
	if err != nil {
		return nil, im, err
	}
	if err := j.VerifyWith(carrier); err != nil {
		return nil, im, err
	}
	if err := decodeStrict(j.Payload, &im); err != nil {
		return nil, im, fmt.Errorf("issuance manifest payload: %w", err)
	}
	if im.DocumentChecksum != doc.Hash {
		return nil, im, fmt.Errorf("the issuance manifest signs document checksum %s, the document's is %s", im.DocumentChecksum, doc.Hash)
	}
	issueToSum, err := dcsa.Hash(issueTo)
	if err != nil {
		return nil, im, fmt.Errorf("issueTo: %w", err)
	}
	if im.IssueToChecksum != issueToSum {
		return nil, im, fmt.Errorf("the issuance manifest signs issueTo checksum %s, issueTo's is %s", im.IssueToChecksum, issueToSum)
	}
	return doc, im, nil
}

// VerifyFinishedResponse checks a receiving platform's signed answer to an
// envelope transfer: an allowed JWS signed by one of its keys, a valid
// response code, and it answers the envelope whose last chain entry
// checksum is lastEntryChecksum.
func VerifyFinishedResponse(compact string, keys *KeySet, lastEntryChecksum string) (*EnvelopeTransferFinishedResponse, error) {
	j, err := Parse(compact)
	if err != nil {
		return nil, err
	}
	if err := j.VerifyWith(keys); err != nil {
		return nil, err
	}
	var r EnvelopeTransferFinishedResponse
	if err := decodeStrict(j.Payload, &r); err != nil {
		return nil, fmt.Errorf("%w: finished response payload: %v", ErrMalformed, err)
	}
	if !r.ResponseCode.Valid() {
		return nil, fmt.Errorf("%w: responseCode %q", ErrMalformed, r.ResponseCode)
	}
	if r.LastEnvelopeTransferChainEntrySignedContentChecksum != lastEntryChecksum {
		return nil, fmt.Errorf("%w: the answer is for last entry checksum %s, not %s", ErrMalformed,
			r.LastEnvelopeTransferChainEntrySignedContentChecksum, lastEntryChecksum)
	}
	if len(r.Reason) > 255 {
		return nil, fmt.Errorf("%w: reason longer than 255 characters", ErrMalformed)
	}
	return &r, nil
}

// CheckAdditionalDocument checks a received additional document against the
// manifest: it must be listed (by checksum) with the size received (INCD).
func CheckAdditionalDocument(m EnvelopeManifest, checksum string, content []byte) error {
	got := ChecksumBytes(content)
	if got != checksum {
		return fail(INCD, nil, "the document's SHA-256 is %s, not %s", got, checksum)
	}
	for _, d := range m.AdditionalDocuments() {
		if d.DocumentChecksum == checksum {
			if d.Size != int64(len(content)) {
				return fail(INCD, nil, "the document is %d bytes, the manifest says %d", len(content), d.Size)
			}
			return nil
		}
	}
	return fail(INCD, nil, "the manifest lists no document with checksum %s", checksum)
}

// MissingDocuments lists the manifest's additional documents (checksums,
// manifest order, each once) that have returns false for (MDOC).
func MissingDocuments(m EnvelopeManifest, have func(checksum string) bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range m.AdditionalDocuments() {
		if !seen[d.DocumentChecksum] && !have(d.DocumentChecksum) {
			out = append(out, d.DocumentChecksum)
		}
		seen[d.DocumentChecksum] = true
	}
	return out
}
