export const MAIN_USAGE = `proxyspec: conformance tests for HTTP intermediaries

Usage:
  proxyspec run [options]        run the suites against a target (default: the built-in reference)
  proxyspec list [options]       print the case catalog
  proxyspec matrix [options]     every suite on real peers (peer:NAME) side by side, as HTML and Markdown
  proxyspec diff BASE NEW        compare two report.json files (exit 1 on a new MUST failure)
  proxyspec merge FILE...        join the shards of a run (--shard i/n) or of a matrix into one
  proxyspec coverage [options]   which catalog requirements have cases, by level and role
  proxyspec reference [options]  run the built-in reference intermediary as a process of its own
  proxyspec help [command]       show help for a command

Options:
  -h, --help       show help
  -v, --version    print the version

Exit codes: 0 no MUST failure; 1 a MUST failure (--strict: also SHOULD); 2 the run could not be made.
`

export const RUN_USAGE = `Usage: proxyspec run [options]

Runs every selected case against one target and writes the reports (report.json unless --report).
With no --target and no --spawn, runs against builtin:reference in every role it plays.

Config:
  --config FILE               read the target profile from FILE (.json, or .mjs/.js with a
                              default export) instead of ./proxyspec.config.json (.mjs, .js),
                              which is read when present; every key is a long option below in
                              camelCase ("target", "role", "originPort", "host", "timeout",
                              "report", "out", "expectations", "baseline", …); flags override it
  --no-config                 ignore ./proxyspec.config.*

Target (pick one):
  --target URL|builtin:NAME   a running intermediary (http://127.0.0.1:3128) or a built-in:
                              builtin:reference, builtin:blind-relay, or a real peer the
                              harness starts: peer:nginx, peer:squid, peer:haproxy,
                              peer:tinyproxy, peer:apache, peer:varnish, peer:caddy,
                              peer:nghttpx, peer:lighttpd, peer:trafficserver
                              (every role it plays
                              unless --role); peer:squid:direct (default: squid opens its
                              tunnels itself, the chained CONNECT cases are not applicable) or
                              peer:squid:chained (its CONNECTs go on to the harness next hop,
                              {next_hop}); peer:nginx:h2, peer:haproxy:h2, peer:apache:h2,
                              peer:caddy:h2 serve HTTP/2 to clients (h2c prior knowledge,
                              ALPN h2 behind TLS), as nghttpx always does
  --spawn "COMMAND"           start the intermediary for the run; placeholders:
                              {port} where it must listen, {origin} the harness origin
                              (host:port, its upstream for reverse roles), {origin_url},
                              {connect_ports} ports its CONNECT allow-list should hold,
                              {next_hop} the harness proxy its CONNECTs go on to (chained rows),
                              {origin_tls} the HTTPS origin (localhost:PORT, the upstream of
                              a tls-originator, which must verify it as "localhost"), {ca}
                              the run CA file, {cert} {key} chain and key a tls-terminator serves,
                              {proxy_user} {proxy_pass} the --proxy-auth credentials;
                              in the balancer role (started once per load-balancing case):
                              {origins} {origin1}… the backends (host:port), {backup}
                              {backup1}…, the --lb-profile values {weights} {health_path}
                              {health_method} {health_host} {interval_ms} {interval_s}
                              {timeout_ms} {fall} {rise} {max_fails} {fail_timeout_s}
                              {max_conns} {slow_start_s} {cookie} {hash_key} {workers}, and
                              {config_dir} a private directory holding {profile} (its JSON);
                              in the ftp-gateway role: {ftp_origin} the harness FTP origin
                              (127.0.0.1:PORT), {ftp_host} {ftp_port}, {ftp_base}
                              (ftp://{ftp_origin}/pub/, what /files/ maps onto in reverse
                              mode), {ftp_user} {ftp_pass} credentials for a mapping that
                              logs in itself, {x_ip} the third-party address (127.0.0.3),
                              {ftp_timeout} the FTP/read timeout (seconds) to configure;
                              each also in the environment as PROXYSPEC_<NAME>
  --proxy-auth USER:PASS      the target requires these Basic proxy credentials: the
                              proxy-authentication cases (CONNECT-10, HOP-10) use them, and
                              peer:squid and peer:apache start with an auth profile; other
                              cases send none. builtin:reference runs those cases against a
                              second instance requiring credentials (these, or made-up ones)
  --lb-profile FILE           the balancer profile (JSON, docs/requirements.md §12.2.3) the
                              target is configured with: the balancing cases are judged
                              under it (without it they are not applicable, except for
                              builtin:reference, which runs each with its own)
  --role ROLE                 forward | reverse | tls-terminator | tls-originator | tunnel |
                              balancer | ftp-gateway
                              (required with a URL or --spawn; repeat or comma-separate for several)
  --front h1|h2               the protocol the cases speak to the target: h1 (HTTP/1.1), h2
                              (HTTP/2: ALPN h2 for a tls-terminator, prior-knowledge h2c on a
                              cleartext listener), or both (comma-separate). Default: what the
                              target declares (builtin:reference and h2 peer profiles: both;
                              a URL or --spawn: h1). A target that does not speak h2 gets one
                              line and its h2 cases are reported unsupported
  --ftp-mode MODE             how an ftp-gateway is addressed: forward (default; absolute-form
                              GET ftp://{ftp_origin}/pub/f.bin) or reverse (GET /files/f.bin,
                              the target mapping the prefix /files/ onto {ftp_base})
  --ftp-timeout SECONDS       the FTP/read timeout the ftp-gateway is configured with
                              ({ftp_timeout}, default 5); the stall cases scale from it
  --host NAME[:PORT]          the Host the cases send to a reverse proxy or gateway (reverse,
                              tls-terminator, tls-originator, balancer). Without it the Host is the
                              upstream's own host:port, e.g. 127.0.0.1:41234 ({origin}), not
                              the proxy's: a proxy that routes by server name / virtual host
                              needs --host with the name it serves. The harness origin routes on
                              the path, so it recognises the request whatever Host arrives.
                              A forward proxy gets absolute-form and Host stays the origin's.

Peers:
  --peer-provider KIND        container | native | auto (default: a container when a Docker
                              engine holds the image, else the binary on PATH)
  --peer-image NAME=IMAGE     the image for a peer (repeatable; or PROXYSPEC_PEER_IMAGE_<NAME>)

Selection (how the filters combine: --suite and --case add up; --exclude then takes cases
out; --role picks the roles; no --suite and no --case = every case; a filter that matches
no case at all is an error):
  --suite GLOB                the cases of these suites (repeatable): connect, hop-by-hop,
                              keep-alive, framing, upgrade, tls, balancing, ftp-gateway
  --case GLOB                 and these cases, by id or requirement id (repeatable):
                              'keep-alive/*', KA-06, 'connect/*framing*'
  --exclude GLOB              minus these cases, by id or requirement id (repeatable):
                              'tls/*', KA-06, 'framing/*chunk*'

Reports:
  --report LIST               formats to write, comma-separated (default json):
                              json (report.json), junit (junit.xml), html (report.html),
                              md (summary.md); each file is written atomically
  --out DIR                   where the reports go (default: current directory)
  --baseline FILE             compare with an earlier report.json: print the regressions,
                              mark them in html and md, exit 1 only on a NEW MUST failure
  --expectations FILE         declared deviations {"deviations":[{"case","reason","expires"?}]}:
                              a declared failure is shown as such and does not fail the run

Run:
  --repeat N                  run every case N times; cases whose verdict varies are flaky
  --timeout MS                per-case deadline (default 3000)
  --concurrency N             cases at once (default 8)
  --origin-port PORT          fix the harness origin's port (for a reverse proxy configured ahead)
  --strict                    SHOULD violations also fail the run (exit 1)
  --restart-on-crash          a target that goes down is started again and the run goes on
                              (default: the run stops, exit 2); the cases running then run
                              again one at a time, and one that crashes it alone fails
  --shard I/N                 run the I-th of N shares of the work (1 <= I <= N), for N CI jobs:
                              the run's (case, role) units dealt round-robin, so the N jobs
                              together run each exactly once; the report records the shard,
                              and proxyspec merge joins the N report.json files into the
                              report of the whole run (--baseline goes to merge, not here)

Examples:
  proxyspec run
  proxyspec run --target builtin:blind-relay --role forward
  proxyspec run --suite keep-alive --case HOP-13 --exclude 'keep-alive/*close*'
  proxyspec run --target http://127.0.0.1:8080 --role reverse --origin-port 9000 --host app.test
  proxyspec run --config ci/proxyspec.config.json --suite connect
  proxyspec run --report json,junit,html,md --out reports --baseline baseline.json
  proxyspec run --target http://127.0.0.1:3128 --role forward --suite connect
  proxyspec run --spawn "node my-proxy.js --port {port} --upstream {origin}" --role reverse
  proxyspec run --shard 2/4 --out shard-2     (then: proxyspec merge shard-*/report.json)
`

export const DIFF_USAGE = `Usage: proxyspec diff BASE.json NEW.json [--json | --md]

Compares two runs (report.json files): new failures, fixes, changed verdicts,
cases added and removed. A case is its id and role across runs.
  --json   the diff as JSON        --md   as Markdown (a PR comment)
Exit codes: 0 no new MUST failure; 1 a new MUST failure (declared deviations aside);
2 a file is missing or not a proxyspec report.
`

export const COVERAGE_USAGE = `Usage: proxyspec coverage [--suite GLOB] [--catalog FILE] [--json | --md]

Which requirements of the catalog (docs/requirements.md in the repository) have cases,
by level and by role, and which MUST, SHOULD and Contract rows have none yet.
  --catalog FILE   read this catalog (Markdown, e.g. docs/requirements.md) instead of
                   the one shipped with proxyspec
  --suite GLOB     count only these suites' cases (repeatable)
  --json, --md     machine-readable, or Markdown
`

export const LIST_USAGE = `Usage: proxyspec list [--suite GLOB] [--case GLOB] [--exclude GLOB] [--role ROLE] [--front h1|h2] [--json]

Prints the case catalog: id, level, roles (and "h2" for a case that speaks HTTP/2 to the
target), catalog requirement ids and title. The filters
combine as for run: --suite and --case add up (no --suite and no --case: every case),
--exclude then takes cases out, --role keeps the cases that apply to one of those roles.
Each is repeatable or comma-separated; a filter that matches no case is an error (exit 2).

  --suite GLOB     the cases of these suites: connect, hop-by-hop, keep-alive, framing, upgrade, tls,
                   balancing, ftp-gateway, h2
  --case GLOB      and these cases, by id or requirement id: 'keep-alive/*', KA-06
  --exclude GLOB   minus these cases, by id or requirement id: 'tls/*', KA-06
  --role ROLE      only cases for these roles: forward, reverse, tls-terminator, tls-originator, tunnel, balancer, ftp-gateway
  --front h1|h2    only cases that speak this protocol to the target (h2: the h2 suite)
  --json           the catalog rows as JSON

Examples:
  proxyspec list --suite connect --case KA-06
  proxyspec list --role reverse --exclude 'tls/*' --json
  proxyspec list | head
`

export const REFERENCE_USAGE = `Usage: proxyspec reference --mode forward|reverse --port PORT [options]

Runs the built-in reference intermediary until SIGINT or SIGTERM. Useful as a --spawn target
and for comparing an implementation with the reference by hand.

  --mode MODE            forward (absolute-form and CONNECT) or reverse (one upstream)
  --port PORT            where to listen on 127.0.0.1 (0: let the OS pick; the port is printed)
  --upstream HOST:PORT   the upstream of a reverse proxy (loopback only)
  --connect-ports LIST   CONNECT allow-list, comma-separated (default 443)
  --proxy-auth USER:PASS require these Basic proxy credentials (forward mode): 407 otherwise
`

export const MATRIX_USAGE = `Usage: proxyspec matrix [options]

Runs every selected suite against real peers, each in every role it plays, and writes the
matrix (peers x cases, each cell linked to its evidence, peer versions and configs listed):
the readable summary as matrix.md, and the evidence as a static site (index.html with
filters, suites.html, peer-NAME.html with versions and configs, each peer's full report
under matrix/) that is built, not committed: the folder can be published as it is
(GitHub Pages).

  --targets LIST              peers to compare (default: all): peer:nginx,peer:squid,
                              peer:haproxy,peer:tinyproxy,peer:apache,peer:varnish,
                              peer:caddy,peer:nghttpx,peer:lighttpd,
                              peer:trafficserver
                              (peer:squid = both its profiles: direct runs every case, chained
                              only the chained CONNECT cases; peer:squid:chained = that one;
                              likewise peer:nginx = its default with every case, and
                              peer:nginx:h2 with only the h2 cases)
  --out DIR                   where matrix.md goes (default: docs)
  --site DIR                  where the evidence site goes (default: matrix-site)
  --site-url URL              where that site is published: matrix.md links there
                              (default: the site folder, relative to matrix.md)
  --reasons FILE              why each non-pass cell is not a pass, keyed
                              "PEER[:PROFILE][/ROLE] CASE-ID" (default:
                              test-fixtures/peers/reasons.json)
  --suite GLOB, --case GLOB   these suites and cases (as for run: they add up)
  --exclude GLOB              minus these cases (as for run)
  --timeout MS, --concurrency N   (default 3000 ms, 4 cases at once against a peer)
  --peer-provider KIND        container | native | auto (default auto)
  --peer-image NAME=IMAGE     the image for a peer (repeatable; or PROXYSPEC_PEER_IMAGE_<NAME>)
  --shard I/N                 run the I-th of N shares (1 <= I <= N) of the passes' (case, role)
                              units, cut in N contiguous slices (few peer start-ups per job),
                              and write matrix-shard-I-of-N.json into --out instead of the
                              matrix; proxyspec merge joins the N files into matrix.md and the site

Exit codes: 0 the matrix was written (whatever the verdicts); 2 a peer could not be started.
`

export const MERGE_USAGE = `Usage: proxyspec merge FILE... [options]

Joins the shards of one run into the report the unsharded run would have written, or the
shards of one matrix into the matrix; which kind the files are is read from them.

  Run shards: the report.json of each \`proxyspec run --shard I/N\` (same target, selection and
  proxyspec version). The results come back in the order of the unsharded run, the summary
  is counted again, and the exit code is the whole run's: 0, 1 (a blocking failure), 2.
    --report LIST     formats to write, comma-separated (default json): json, junit, html, md
    --out DIR         where they go (default: current directory)
    --baseline FILE   compare the whole run with an earlier report.json, as run does

  Matrix shards: the matrix-shard-I-of-N.json of each \`proxyspec matrix --shard I/N\`; writes
  matrix.md and the site as an unsharded proxyspec matrix does (exit 0). Shards of runs with
  different --targets (one CI job per peer: --targets peer:nginx --shard 1/1) merge too, each
  set complete and the same selection, in the order of a matrix over all of them.
    --out DIR         where matrix.md goes (default: docs)
    --site DIR        where the evidence site goes (default: matrix-site)
    --site-url URL, --reasons FILE   as for matrix

Refused (one line, exit 2, nothing written): files of different runs (target, selection,
settings, proxyspec version), a shard missing or given twice, a (case, role) in two shards
or in none, a file that is no shard, unreadable JSON.

Examples:
  proxyspec merge shard-1/report.json shard-2/report.json shard-3/report.json shard-4/report.json \\
    --report json,junit,html,md --out reports
  proxyspec merge shards/matrix-shard-*.json --out docs --site matrix-site
  proxyspec merge nginx/matrix-shard-1-of-1.json squid/matrix-shard-1-of-1.json --out docs
`
