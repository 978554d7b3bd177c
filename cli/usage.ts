export const MAIN_USAGE = `proxyspec: conformance tests for HTTP intermediaries

Usage:
  proxyspec run [options]        run the suites against a target (default: the built-in reference)
  proxyspec list [options]       print the case catalog
  proxyspec matrix [options]     every suite on real peers (peer:NAME) side by side, as HTML and Markdown
  proxyspec diff BASE NEW        compare two report.json files (exit 1 on a new MUST failure)
  proxyspec coverage [options]   which catalog requirements have cases, by level and role
  proxyspec reference [options]  run the built-in reference intermediary as a process of its own
  proxyspec kill-matrix [opts]   every seeded defect against the cases that must catch it
  proxyspec help [command]       show help for a command

Options:
  -h, --help       show help
  -v, --version    print the version

Exit codes: 0 no MUST failure; 1 a MUST failure (--strict: also SHOULD); 2 the run could not be made.
`

export const RUN_USAGE = `Usage: proxyspec run [options]

Runs every selected case against one target and writes the reports (report.json unless --report).
With no --target and no --spawn, runs against builtin:reference in every role it plays.

Target (pick one):
  --target URL|builtin:NAME   a running intermediary (http://127.0.0.1:3128) or a built-in:
                              builtin:reference, builtin:blind-relay, or a real peer the
                              harness starts: peer:nginx, peer:squid, peer:haproxy,
                              peer:tinyproxy, peer:apache (every role it plays unless --role)
  --spawn "COMMAND"           start the intermediary for the run; placeholders:
                              {port} where it must listen, {origin} the harness origin
                              (host:port, its upstream for reverse roles), {origin_url},
                              {connect_ports} ports its CONNECT allow-list should hold,
                              {next_hop} the harness proxy its CONNECTs go on to (chained rows),
                              {origin_tls} the HTTPS origin (localhost:PORT, the upstream of
                              a tls-originator, which must verify it as "localhost"), {ca}
                              the run CA file, {cert} {key} chain and key a tls-terminator serves
  --role ROLE                 forward | reverse | tls-terminator | tls-originator | tunnel
                              (required with a URL or --spawn; repeat or comma-separate for several)

Peers:
  --peer-provider KIND        container | native | auto (default: a container when a Docker
                              engine holds the image, else the binary on PATH)
  --peer-image NAME=IMAGE     the image for a peer (repeatable; or PROXYSPEC_PEER_IMAGE_<NAME>)

Selection:
  --suite GLOB                only these suites (repeatable): connect, hop-by-hop,
                              keep-alive, framing, upgrade, tls
  --case GLOB                 only these cases, by id or requirement id (repeatable):
                              'keep-alive/*', KA-06, 'connect/*framing*'

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

Examples:
  proxyspec run
  proxyspec run --target builtin:blind-relay --role forward
  proxyspec run --report json,junit,html,md --out reports --baseline baseline.json
  proxyspec run --target http://127.0.0.1:3128 --role forward --suite connect
  proxyspec run --spawn "node my-proxy.js --port {port} --upstream {origin}" --role reverse
`

export const DIFF_USAGE = `Usage: proxyspec diff BASE.json NEW.json [--json | --md]

Compares two runs (report.json files): new failures, fixes, changed verdicts,
cases added and removed. A case is its id and role across runs.
  --json   the diff as JSON        --md   as Markdown (a PR comment)
Exit codes: 0 no new MUST failure; 1 a new MUST failure (declared deviations aside);
2 a file is missing or not a proxyspec report.
`

export const COVERAGE_USAGE = `Usage: proxyspec coverage [--suite GLOB] [--catalog FILE] [--json | --md]

Which requirements of the catalog (REQUIREMENTS.md) have cases, by level and by role,
and which MUST and SHOULD rows have none yet.
  --catalog FILE   read this REQUIREMENTS.md instead of the catalog shipped with proxyspec
  --suite GLOB     count only these suites' cases (repeatable)
  --json, --md     machine-readable, or Markdown
`

export const LIST_USAGE = `Usage: proxyspec list [--suite GLOB] [--case GLOB] [--json]

Prints the case catalog: id, level, roles, catalog requirement ids and title.
`

export const REFERENCE_USAGE = `Usage: proxyspec reference --mode forward|reverse --port PORT [options]

Runs the built-in reference intermediary until SIGINT or SIGTERM. Useful as a --spawn target
and for comparing an implementation with the reference by hand.

  --mode MODE            forward (absolute-form and CONNECT) or reverse (one upstream)
  --port PORT            where to listen on 127.0.0.1 (0: let the OS pick; the port is printed)
  --upstream HOST:PORT   the upstream of a reverse proxy (loopback only)
  --connect-ports LIST   CONNECT allow-list, comma-separated (default 443)
`

export const MATRIX_USAGE = `Usage: proxyspec matrix [options]

Runs every selected suite against real peers, each in every role it plays, and writes the
matrix (peers x cases, each cell linked to its evidence, peer versions and configs listed)
as matrix.md and matrix.html, with each peer's full report under matrix/.

  --targets LIST              peers to compare (default: all): peer:nginx,peer:squid,
                              peer:haproxy,peer:tinyproxy,peer:apache
  --out DIR                   where the matrix goes (default: docs)
  --reasons FILE              why each non-pass cell is not a pass, keyed "PEER[/ROLE] CASE-ID"
                              (default: test-fixtures/peers/reasons.json)
  --suite GLOB, --case GLOB   only these suites or cases (as for run)
  --timeout MS, --concurrency N
  --peer-provider KIND        container | native | auto (default auto)
  --peer-image NAME=IMAGE     the image for a peer (repeatable; or PROXYSPEC_PEER_IMAGE_<NAME>)

Exit codes: 0 the matrix was written (whatever the verdicts); 2 a peer could not be started.
`

export const KILL_MATRIX_USAGE = `Usage: proxyspec kill-matrix [--defect GLOB] [--timeout MS] [--json]

Runs every seeded defect (the reference with one realistic bug switched on) against the cases
that name it, and those cases against the reference, and prints a defect x case table per suite:
K killed, S survived, . not named; on the reference row p passes, F fails.

  --defect GLOB   only these defects, by name (repeatable, comma-separated): 'forwards-*'
  --timeout MS    per-case deadline (default 3000)
  --json          the matrix as JSON instead of the table

Exit codes: 0 every defect killed and the reference passes every case used; 1 a defect
survived or the reference failed; 2 the matrix could not be run (e.g. no defect matches).
`
