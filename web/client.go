package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// client names who sent a request, for the rate limit: the remote address
// of the connection, except that a request from a trusted proxy names its
// client in X-Forwarded-For. Anyone can write that header, so it is only
// believed from the proxies the site was told to trust, and only as far
// back as the chain of trusted proxies goes: the first address, from the
// right, that is not a trusted proxy is the client.
//
// An IPv6 client is its /64: one home or one server is given a whole /64,
// and would otherwise have 2^64 keys to spread its questions over.
func (s *Site) client(r *http.Request) string {
	ip := remoteIP(r.RemoteAddr)
	if ip.IsValid() && s.trusted(ip) {
		hops := forwardedFor(r.Header.Values("X-Forwarded-For"))
		for i := len(hops) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(hops[i])
			if err != nil {
				break // the proxy before is the last address we can name
			}
			ip = hop.Unmap()
			if !s.trusted(ip) {
				break
			}
		}
	}
	return clientKey(ip)
}

// maxForwardedHops bounds how much of X-Forwarded-For is read.
const maxForwardedHops = 32

// forwardedFor splits X-Forwarded-For values into addresses, in order,
// keeping at most the last maxForwardedHops: only the right end, written
// by trusted proxies, matters.
func forwardedFor(values []string) []string {
	var hops []string
	for _, v := range values {
		for h := range strings.SplitSeq(v, ",") {
			hops = append(hops, strings.TrimSpace(h))
		}
	}
	if len(hops) > maxForwardedHops {
		hops = hops[len(hops)-maxForwardedHops:]
	}
	return hops
}

func (s *Site) trusted(ip netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// remoteIP is the address of http.Request.RemoteAddr, unmapped from IPv6;
// invalid when it has none (a test, or an unusual listener).
func remoteIP(addr string) netip.Addr {
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		return ap.Addr().Unmap()
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip, _ := netip.ParseAddr(host)
	return ip.Unmap()
}

func clientKey(ip netip.Addr) string {
	switch {
	case !ip.IsValid():
		return "unknown"
	case ip.Is6():
		p, _ := ip.WithZone("").Prefix(64)
		return p.String()
	}
	return ip.String()
}
