// Package openapi holds tradechain's REST surface as an OpenAPI 2.0 document,
// generated from proto/ by `make proto-gen`, and the Swagger UI page a node
// serves under /swagger/ when api.swagger = true in app.toml.
package openapi

import (
	_ "embed"
	"io/fs"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/cosmos/cosmos-sdk/client/docs"
)

// Document is tradechain.swagger.json: the x/cargo and x/tradefinance queries.
//
//go:embed tradechain.swagger.json
var Document []byte

//go:embed index.html
var index []byte

// Register serves the Swagger UI (the SDK's assets) at /swagger/ with this
// zone's document first and the SDK modules' document beside it.
func Register(rtr *mux.Router) error {
	ui, err := fs.Sub(docs.SwaggerUI, "swagger-ui")
	if err != nil {
		return err
	}
	serve := func(contentType string, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", contentType)
			_, _ = w.Write(body)
		}
	}
	rtr.Path("/swagger/tradechain.swagger.json").Handler(serve("application/json", Document))
	rtr.Path("/swagger/").Handler(serve("text/html; charset=utf-8", index))
	rtr.Path("/swagger/index.html").Handler(serve("text/html; charset=utf-8", index))
	rtr.PathPrefix("/swagger/").Handler(http.StripPrefix("/swagger/", http.FileServer(http.FS(ui))))
	return nil
}
