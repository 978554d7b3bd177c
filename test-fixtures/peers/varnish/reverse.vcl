# Varnish as a plain reverse proxy in front of the harness origin: one backend, every request
# passed (return (pass)): nothing is cached, nothing is piped (no return (pipe), so an Upgrade
# request is passed like any other and Varnish opens no tunnel; the WebSocket recipe of the
# Varnish docs would pipe it, turning the connection into a blind relay for good).
# Filled in by harness/peers/template.ts: {{origin_host}} {{origin_port}} the harness origin.
# varnishd gets its port on the command line (-a 127.0.0.1:PORT).
#
# The profile this config implements (harness/peers/varnish.ts, role reverse):
#   vcl_recv runs the builtin's Host check (vcl_req_host: lower-cases Host, 400 to an
#   HTTP/1.1 request without one) and its PRI refusal (405), then passes every request,
#   whatever its method (the builtin vcl_req_method would pipe an unknown method and CONNECT;
#   its return (hash) would cache); the builtin vcl_pass, vcl_backend_response and
#   vcl_deliver as shipped; the backend's default timeouts (connect 3.5 s, first byte 60 s,
#   between bytes 60 s: varnishd -p defaults); no retries (no return (retry)).
# VCL: https://varnish-cache.org/docs/7.1/users-guide/vcl-built-in-subs.html
vcl 4.1;

backend origin {
    .host = "{{origin_host}}";
    .port = "{{origin_port}}";
}

sub vcl_recv {
    set req.backend_hint = origin;
    call vcl_req_host;
    if (req.method == "PRI") {
        return (synth(405));
    }
    return (pass);
}
