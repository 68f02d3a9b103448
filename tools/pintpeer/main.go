// Command pintpeer is an independent stand-in for "another eBL platform"
// speaking DCSA PINT 3.0 (and the eBL Issuance/Surrender 3.0.4 APIs), plus a
// stand-in carrier, for the corridor's end-to-end tests. It was written from
// the DCSA specifications alone, so that it and the corridor's gateway check
// each other's reading of them. See tools/pintpeer/README.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func usage() {
	fmt.Fprintf(os.Stderr, `usage:
  pintpeer platform -config platform.json [-listen 127.0.0.1:7401] [-dir DIR]
  pintpeer carrier  -config carrier.json  [-listen 127.0.0.1:7501] [-dir DIR]
  pintpeer jwks     -dir DIR [-alg ES256|EdDSA]   (print the public JWKS, creating the key if absent)
`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cmd, args := os.Args[1], os.Args[2:]
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	config := fs.String("config", "", "JSON configuration file")
	listen := fs.String("listen", "", "listen address (overrides the config's)")
	dir := fs.String("dir", "", "store directory (overrides the config's)")
	alg := fs.String("alg", "ES256", "key algorithm when a key is created (ES256 or EdDSA)")
	_ = fs.Parse(args)

	readConfig := func(v any) {
		if *config == "" {
			log.Fatalf("pintpeer %s: -config is required", cmd)
		}
		data, err := os.ReadFile(*config)
		if err != nil {
			log.Fatal(err)
		}
		if err := json.Unmarshal(data, v); err != nil {
			log.Fatalf("%s: %v", *config, err)
		}
	}
	switch cmd {
	case "platform":
		var cfg PlatformConfig
		readConfig(&cfg)
		if *listen != "" {
			cfg.Listen = *listen
		}
		if *dir != "" {
			cfg.Dir = *dir
		}
		if cfg.KeyAlg == "" {
			cfg.KeyAlg = *alg
		}
		p, err := NewPlatform(cfg)
		if err != nil {
			log.Fatal(err)
		}
		serve(cfg.Listen, p.Handler(), "platform "+cfg.Code)
	case "carrier":
		var cfg CarrierRunConfig
		readConfig(&cfg)
		if *listen != "" {
			cfg.Listen = *listen
		}
		if *dir != "" {
			cfg.Dir = *dir
		}
		if cfg.KeyAlg == "" {
			cfg.KeyAlg = *alg
		}
		c, err := NewCarrier(cfg)
		if err != nil {
			log.Fatal(err)
		}
		serve(cfg.Listen, c.Handler(), "carrier "+cfg.CarrierCode)
	case "jwks":
		if *dir == "" {
			usage()
		}
		if err := os.MkdirAll(*dir, 0o700); err != nil {
			log.Fatal(err)
		}
		s, err := loadOrCreateKey(*dir, *alg)
		if err != nil {
			log.Fatal(err)
		}
		_ = json.NewEncoder(os.Stdout).Encode(s.JWKS())
	default:
		usage()
	}
}

func serve(addr string, h http.Handler, what string) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("pintpeer %s listening on http://%s", what, ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
