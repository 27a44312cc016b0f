package httpserver

import "net/http"

// mounted marks a handler registered on the mux, so that routes can tell
// it from the answers the mux makes up itself.
type mounted struct{ http.Handler }

// routes dispatches requests through mux, except those the mux would answer
// itself instead of calling a mounted handler: a redirect to the cleaned
// path ("//", "/./", "/x/../"), a redirect to a subtree's trailing slash,
// or a 404 or 405 when no pattern matches. Those go to api, which answers
// every path but POST / with an ECS error (404 UnknownOperationException
// for another path), so no client is ever sent a bodiless redirect.
type routes struct {
	mux *http.ServeMux
	api http.Handler
}

// ServeHTTP looks the request up once to see whether a mounted handler
// would take it, and then lets the mux serve it, so that the handler sees
// the request's pattern and path values as usual.
func (rt routes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h, _ := rt.mux.Handler(r); !isMounted(h) {
		rt.api.ServeHTTP(w, r)
		return
	}
	rt.mux.ServeHTTP(w, r)
}

func isMounted(h http.Handler) bool {
	_, ok := h.(mounted)
	return ok
}
