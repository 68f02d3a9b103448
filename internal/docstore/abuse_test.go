package docstore

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	tctestutil "github.com/tradechain/tradechain/testutil"

	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

func boltZone(t *testing.T) *zone {
	b, err := OpenBolt(filepath.Join(t.TempDir(), "docstore.db"))
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	return newZone(t, b)
}

// countingReader counts what the server pulled from a 100 MB body.
type countingReader struct {
	n, limit int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.n >= r.limit {
		return 0, io.EOF
	}
	n := int64(len(p))
	if r.n+n > r.limit {
		n = r.limit - r.n
	}
	for i := range p[:n] {
		p[i] = 'A'
	}
	atomic.AddInt64(&r.n, n)
	return int(n), nil
}

func TestUpload100MBRefused(t *testing.T) {
	z := boltZone(t)
	inv := mustHash(t, invoicePDF)
	url := z.http.URL + Prefix + "documents/" + inv
	const size = 100 << 20

	// Declared length: refused before a byte of the body is read.
	body := &countingReader{limit: size}
	req, err := http.NewRequest(http.MethodPut, url, body)
	require.NoError(t, err)
	req.ContentLength = size
	for k, v := range auth(t, z.http.URL, z.acc(cargotestutil.Exporter)) {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		msg, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode)
		require.Contains(t, string(msg), "the limit is")
	}
	require.Less(t, atomic.LoadInt64(&body.n), int64(DefaultMaxObjectSize), "the server must not take the 100 MB in")

	// Unknown length (chunked): the server stops reading at the limit.
	body = &countingReader{limit: size}
	req, err = http.NewRequest(http.MethodPut, url, io.NopCloser(body))
	require.NoError(t, err)
	req.ContentLength = -1
	for k, v := range auth(t, z.http.URL, z.acc(cargotestutil.Exporter)) {
		req.Header[k] = v
	}
	res, err = http.DefaultClient.Do(req)
	if err == nil {
		msg, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode, string(msg))
		require.Contains(t, string(msg), "exceeds the limit")
	}
	require.Less(t, atomic.LoadInt64(&body.n), int64(DefaultMaxObjectSize+8<<20), "read %d of 100 MB", body.n)
	has, err := z.srv.Backend.Has(context.Background(), inv)
	require.NoError(t, err)
	require.False(t, has)
}

// 1,000 banks' reads at once: every one served the right bytes, every one
// recorded on chain, the records batched into few blocks.
func TestThousandParallelDownloads(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	z := boltZone(t)
	inv := mustHash(t, invoicePDF)
	code, body := z.upload(cargotestutil.Exporter, inv, invoicePDF)
	require.Equal(t, http.StatusCreated, code, body)
	consent := z.grant(cargotestutil.Exporter, cargotestutil.Bank, "doc:"+inv, 24*time.Hour)
	before := z.a.blocks.Load()

	http.DefaultTransport.(*http.Transport).MaxIdleConnsPerHost = 200
	const n = 1000
	var wg sync.WaitGroup
	var ok atomic.Int64
	errs := make(chan string, n)
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, bz, h := z.download(cargotestutil.Bank, inv, consent)
			sum := sha256.Sum256(bz)
			if code != http.StatusOK || hex.EncodeToString(sum[:]) != inv || h.Get("X-Docstore-Access-Record") == "" {
				errs <- fmt.Sprintf("%d %s", code, bz)
				return
			}
			ok.Add(1)
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	require.Equal(t, int64(n), ok.Load())
	recs, err := appQuery{a: z.a}.AccessRecords(context.Background(), &cargotypes.QueryAccessRecordsRequest{Owner: z.acc(cargotestutil.Exporter).String()})
	require.NoError(t, err)
	require.EqualValues(t, n, recs.Pagination.Total, "one access record per release")
	blocks := z.a.blocks.Load() - before
	t.Logf("%d parallel downloads in %s, access records in %d blocks", n, time.Since(start).Round(time.Millisecond), blocks)
	require.Less(t, blocks, int64(n/10), "access records are batched")
}

// TestKill9MidUpload runs the store in a child process (this test binary,
// TestHelperStoreProcess), completes uploads, starts one more and kills the
// child with SIGKILL halfway through it. Every acknowledged object is then in
// the store and opens; the half-sent one is not there.
func TestKill9MidUpload(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStoreProcess$")
	cmd.Env = append(os.Environ(), "DOCSTORE_HELPER_DIR="+dir)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	defer cmd.Process.Kill() //nolint:errcheck
	sc := bufio.NewScanner(stdout)
	base := ""
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "LISTENING "); ok {
			base = u
			break
		}
	}
	require.NotEmpty(t, base, "the child store did not start")
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	exporter := helperAccounts(t)[cargotestutil.Exporter]
	acked := []string{}
	for i := 0; i < helperDocs-1; i++ {
		doc := helperDoc(i)
		h := mustHash(t, doc)
		code, bz, _ := do(t, http.MethodPut, base+Prefix+"documents/"+h, auth(t, base, exporter), strings.NewReader(string(doc)))
		require.Equal(t, http.StatusCreated, code, string(bz))
		acked = append(acked, h)
	}
	// The last document, sent slowly over a raw connection: half of it, then kill -9.
	last := helperDoc(helperDocs - 1)
	lastHash := mustHash(t, last)
	hdr := auth(t, base, exporter)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	fmt.Fprintf(conn, "PUT %sdocuments/%s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n", Prefix, lastHash, len(last))
	for k := range hdr {
		fmt.Fprintf(conn, "%s: %s\r\n", k, hdr.Get(k))
	}
	fmt.Fprint(conn, "\r\n")
	_, err = conn.Write(last[:len(last)/2])
	require.NoError(t, err)
	time.Sleep(300 * time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	conn.Close()

	// The store after the crash.
	b, err := OpenBolt(filepath.Join(dir, "docstore.db"))
	require.NoError(t, err, "the store must open after kill -9")
	defer b.Close()
	kr, err := OpenKeyring(filepath.Join(dir, "keys"))
	require.NoError(t, err)
	for _, h := range acked {
		o, err := b.Get(context.Background(), h)
		require.NoError(t, err, "acknowledged object %s lost", h)
		_, err = kr.Open(h, o.Sealed)
		require.NoError(t, err)
	}
	has, err := b.Has(context.Background(), lastHash)
	require.NoError(t, err)
	require.False(t, has, "a half-written object is visible")
	n := 0
	require.NoError(t, b.Each(context.Background(), func(string) error { n++; return nil }))
	require.Equal(t, len(acked), n)
}

const helperDocs = 6

// helperDoc i is a 4 MB document (the last one is what is cut off).
func helperDoc(i int) []byte {
	return []byte(fmt.Sprintf("%%PDF-1.7 scan %d\n", i) + strings.Repeat(fmt.Sprintf("page %d ", i), 4<<20/8))
}

func helperAccounts(t *testing.T) []*tctestutil.Account {
	c := cargotestutil.NewChain(t) // deterministic accounts, same in parent and child
	return c.Accounts
}

// TestHelperStoreProcess is the child of TestKill9MidUpload.
func TestHelperStoreProcess(t *testing.T) {
	dir := os.Getenv("DOCSTORE_HELPER_DIR")
	if dir == "" {
		t.Skip("child process of TestKill9MidUpload")
	}
	b, err := OpenBolt(filepath.Join(dir, "docstore.db"))
	require.NoError(t, err)
	z := newZoneWith(t, b, filepath.Join(dir, "keys"))
	exporter := z.acc(cargotestutil.Exporter)
	msgs := []sdk.Msg{}
	for i := 0; i < helperDocs; i++ {
		msgs = append(msgs, &cargotypes.MsgAnchorDocument{Owner: exporter.String(), Hash: mustHash(t, helperDoc(i)), DocType: "OTHER"})
	}
	z.a.deliver(t, cargotestutil.Exporter, msgs...)
	fmt.Printf("LISTENING %s\n", z.http.URL)
	select {} // until killed
}
