# Varnish as a load balancer over the harness backends: a round_robin director
# (vmod_directors), each backend with a probe, the backups behind a fallback director.
# Filled in by harness/peers/template.ts (fillListTemplate): the list origins|… once per primary
# and the list backup|… once per backup ({i}, {origin_host}, {origin_port}), and the
# active-check numbers of the profile. varnishd gets its port on the command line (-a).
#
# The profile this config implements (harness/peers/varnish.ts, varnishBalancerProfile):
#   policy round-robin (directors.round_robin, no weights), workers 1 (one director state),
#   granularity request; every request is passed (return (pass)): nothing is cached;
#   active checks: GET {{health_path}} HTTP/1.1 with Host and Connection: close (the default
#   probe request), .interval {{interval_ms}} ms, .timeout {{timeout_ms}} ms, .window 4,
#   .threshold 2: a healthy backend falls after window - threshold + 1 = 3 bad probes and a
#   sick one rises after threshold = 2 good ones (fall 3, rise 2); .initial 1 (threshold - 1):
#   a backend is not usable before its first good probe (initial_state down);
#   backup: a fallback director, so only the first usable backup (mode first);
#   no retries (no return (retry) in this VCL); no usable backend: 503;
#   limits: .max_connections = {{max_conns}} per backend, no queue: a fetch beyond it fails (503).
# VCL: https://varnish-cache.org/docs/7.1/reference/vcl-probe.html and vmod_directors.
vcl 4.1;

import directors;

probe health {
    .request =
        "{{health_method}} {{health_path}} HTTP/1.1"
        "Host: {{health_host}}"
        "Connection: close";
    .interval = {{interval_ms}}ms;
    .timeout = {{timeout_ms}}ms;
    .window = 4;
    .threshold = 2;
    .initial = 1;
}

{{origins|backend o{i} {\n    .host = "{origin_host}";\n    .port = "{origin_port}";\n    .probe = health;\n    .max_connections = {max_conns};\n}\n}}
{{backup|backend b{i} {\n    .host = "{origin_host}";\n    .port = "{origin_port}";\n    .probe = health;\n    .max_connections = {max_conns};\n}\n}}
sub vcl_init {
    new primaries = directors.round_robin();
{{origins|    primaries.add_backend(o{i});\n}}
    new balancer = directors.fallback();
    balancer.add_backend(primaries.backend());
{{backup|    balancer.add_backend(b{i});\n}}
}

sub vcl_recv {
    set req.backend_hint = balancer.backend();
    return (pass);
}
