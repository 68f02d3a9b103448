package docstore

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// backendSuite is the one test suite every backend passes.
func backendSuite(t *testing.T, b Backend) {
	ctx := context.Background()
	kr, err := OpenKeyring(t.TempDir())
	require.NoError(t, err)
	doc := []byte("commercial invoice INV-1")
	h := rawHash(doc)
	sealed, err := kr.Seal(h, doc)
	require.NoError(t, err)

	has, err := b.Has(ctx, h)
	require.NoError(t, err)
	require.False(t, has)
	_, err = b.Get(ctx, h)
	require.ErrorIs(t, err, ErrNotFound)

	now := time.Now().UTC().Truncate(time.Microsecond)
	require.NoError(t, b.Put(ctx, Object{Hash: h, Owner: "trade1owner", Sealed: sealed, Stored: now}))
	// Content-addressed: a second Put keeps the first object.
	other, err := kr.Seal(h, doc)
	require.NoError(t, err)
	require.NoError(t, b.Put(ctx, Object{Hash: h, Owner: "trade1squatter", Sealed: other, Stored: now.Add(time.Hour)}))
	o, err := b.Get(ctx, h)
	require.NoError(t, err)
	require.Equal(t, "trade1owner", o.Owner)
	require.Equal(t, sealed, o.Sealed)
	require.True(t, o.Stored.Equal(now), "%v vs %v", o.Stored, now)
	pt, err := kr.Open(h, o.Sealed)
	require.NoError(t, err)
	require.Equal(t, doc, pt)

	// Concurrent writers and readers.
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			d := []byte(fmt.Sprintf("doc %d", i))
			s, err := kr.Seal(rawHash(d), d)
			if err == nil {
				err = b.Put(ctx, Object{Hash: rawHash(d), Owner: "o", Sealed: s, Stored: now})
			}
			if err == nil {
				_, err = b.Get(ctx, h)
			}
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	n := 0
	require.NoError(t, b.Each(ctx, func(string) error { n++; return nil }))
	require.Equal(t, 33, n)

	require.NoError(t, b.Replace(ctx, Object{Hash: h, Sealed: other}))
	o, err = b.Get(ctx, h)
	require.NoError(t, err)
	require.Equal(t, other, o.Sealed)
	require.Equal(t, "trade1owner", o.Owner)
}

func TestBoltBackend(t *testing.T) {
	b, err := OpenBolt(filepath.Join(t.TempDir(), "docstore.db"))
	require.NoError(t, err)
	defer b.Close()
	backendSuite(t, b)
}

// StartPostgres starts a throw-away PostgreSQL from Debian's package on a
// unix socket in a temp dir and returns its DSN. It skips the test, saying
// so, only when the server binaries are not installed. As root, the server
// runs as the postgres user (initdb refuses root).
func StartPostgres(t testing.TB) string {
	bin := ""
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) > 0 {
		bin = filepath.Dir(matches[len(matches)-1])
	}
	if bin == "" {
		t.Skip("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: apt-get install -y postgresql to run the PostgreSQL backend suite")
	}
	dir, err := os.MkdirTemp("", "docstore-pg-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	data, sock := filepath.Join(dir, "data"), filepath.Join(dir, "sock")
	require.NoError(t, os.MkdirAll(sock, 0o755))
	run := func(name string, args ...string) *exec.Cmd { return exec.Command(filepath.Join(bin, name), args...) }
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root and there is no postgres user to run the server as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		require.NoError(t, os.Chown(dir, uid, gid))
		require.NoError(t, os.Chown(sock, uid, gid))
		run = func(name string, args ...string) *exec.Cmd {
			return exec.Command("setpriv", append([]string{"--reuid", u.Uid, "--regid", u.Gid, "--init-groups", filepath.Join(bin, name)}, args...)...)
		}
	}
	out, err := run("initdb", "-D", data, "-U", "docstore", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput()
	require.NoError(t, err, "initdb: %s", out)
	out, err = run("pg_ctl", "-D", data, "-w", "-l", filepath.Join(dir, "log"), "-o",
		fmt.Sprintf("-k %s -c listen_addresses='' -c fsync=on", sock), "start").CombinedOutput()
	require.NoError(t, err, "pg_ctl start: %s", out)
	t.Cleanup(func() {
		_ = run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop").Run()
		_ = os.RemoveAll(dir)
	})
	return fmt.Sprintf("host=%s user=docstore dbname=postgres sslmode=disable", sock)
}

func TestPostgresBackend(t *testing.T) {
	dsn := StartPostgres(t)
	b, err := OpenPostgres(context.Background(), dsn)
	require.NoError(t, err)
	defer b.Close()
	backendSuite(t, b)
}
