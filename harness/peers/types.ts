import type { FtpMode, Role } from '../engine/model/roles.js'
import type { BalancerProfile } from '../engine/model/balancer-profile.js'
import type { Front } from '../engine/model/front.js'
import type { Started } from '../net/started.js'

/** The real implementations proxyspec can start (DESIGN.md, "Targets": peer:<name>). */
export type PeerName =
  | 'nginx'
  | 'squid'
  | 'haproxy'
  | 'tinyproxy'
  | 'apache'
  | 'varnish'
  | 'caddy'
  | 'nghttpx'
  | 'trafficserver'
  | 'lighttpd'

export const PEER_NAMES: readonly PeerName[] = [
  'nginx',
  'squid',
  'haproxy',
  'tinyproxy',
  'apache',
  'varnish',
  'caddy',
  'nghttpx',
  'trafficserver',
  'lighttpd',
]

export function isPeerName(text: string): text is PeerName {
  return (PEER_NAMES as readonly string[]).includes(text)
}

/** How a peer is started: in a container (testcontainers) or as the binary on PATH. */
export type ProviderKind = 'container' | 'native'
export type ProviderChoice = ProviderKind | 'auto'

/** The values a config template is filled with, for one started instance. */
export interface PeerPorts {
  /** Where the peer must listen, on 127.0.0.1. */
  readonly port: number
  readonly originHost: string
  readonly originPort: number
  /** Ports a CONNECT allow-list must hold (443 and the run's CONNECT targets). */
  readonly connectPorts: readonly number[]
  /** For the TLS roles: the run's certificates (paths in its private dir) and TLS origin. */
  readonly tls?: PeerTls
  /** The harness next-hop proxy a forward proxy sends its CONNECTs on to ({next_hop}). */
  readonly nextHop?: { readonly host: string; readonly port: number }
  /** Basic proxy credentials a forward proxy must require (--proxy-auth): its auth profile. */
  readonly proxyAuth?: { readonly user: string; readonly pass: string }
  /** In the ftp-gateway role: the run's FTP origin and what the config is told of it (catalog §13.1.2). */
  readonly ftp?: PeerFtp
  /**
   * The profile the peer runs in (peer:NAME:PROFILE, else its default), for
   * a config that changes with it (the h2 profiles); undefined for a peer
   * without profiles.
   */
  readonly profile?: PeerProfile
  /**
   * 'h2': the origin speaks HTTP/2 (cleartext, prior knowledge), the run's raw
   * h2 origin: the config of the peer's h2-upstream twin (PeerDefinition.h2Upstream).
   */
  readonly upstream?: 'h2'
}

/** The ftp-gateway role's values ({{ftp_origin}}, {{ftp_base}}, …: the --spawn placeholders). */
export interface PeerFtp {
  readonly mode: FtpMode
  readonly host: string
  readonly port: number
  /** ftp://host:port/pub/, what an FG/r mapping of /files/ names. */
  readonly base: string
  readonly user: string
  readonly pass: string
  /** The third-party listener's address (127.0.0.3), which the config denies. */
  readonly xIp: string
  /** Seconds: the FTP/read timeout the config sets. */
  readonly timeoutS: number
}

export interface PeerTls {
  /** The leaf a tls-terminator serves (valid for localhost) and its key. */
  readonly certPath: string
  readonly keyPath: string
  /** The run CA a tls-originator must trust. */
  readonly caPath: string
  /** The harness TLS origin: the name it is known by (SNI, identity) and where it listens. */
  readonly origin: { readonly name: string; readonly host: string; readonly port: number }
}

/** Where the peer runs, as far as its config must know. */
export interface PeerLayout {
  /** The private directory holding the config and the pid file. */
  readonly dir: string
  /** True when the peer's master process runs as root (it then needs a worker user). */
  readonly root: boolean
  readonly provider: ProviderKind
  /** The container image, when provider is 'container'. */
  readonly image?: string
}

export interface PeerFile {
  /** File name inside the peer's directory. */
  readonly name: string
  readonly content: string
  /** Read by the peer's unprivileged workers (an htpasswd file): 0644 in a traversable dir. */
  readonly forWorkers?: true
}

/** A peer, ready to start in one role: its files and its command line. */
export interface PeerLaunch {
  readonly files: readonly PeerFile[]
  /** argv[0] is the program name (looked up on PATH natively). */
  readonly argv: readonly string[]
  /** Prints the peer's version (to stdout or stderr). */
  readonly versionArgv: readonly string[]
  /** Host directories the config names (the run's certificates), mounted read-only into a container. */
  readonly mounts?: readonly string[]
  /** Symbolic links to make in the peer's directory (name -> target), for names a peer insists on. */
  readonly links?: readonly { readonly name: string; readonly target: string }[]
  /**
   * Subdirectories to make in the peer's directory for processes that dropped
   * root to write to (lighttpd's upload dir): mode 1777, the peer's directory
   * then traversable (0711), as for PeerFile.forWorkers.
   */
  readonly dirs?: readonly string[]
  /** Environment variables added to the peer's own (Caddy's data and config homes). */
  readonly env?: Readonly<Record<string, string>>
}

/** A loopback origin a balancer sends to. */
export interface BalancerOrigin {
  readonly host: string
  readonly port: number
}

/** What a balancer config is rendered from (startBalancerPeer). */
export interface BalancerPeerInput {
  /** The primaries, in profile order ({{origins|…}}). */
  readonly origins: readonly BalancerOrigin[]
  /** The backups ({{backup|…}}); empty when the case has none. */
  readonly backups: readonly BalancerOrigin[]
  /** The profile whose numbers fill the template (normally the peer's declared one). */
  readonly profile: BalancerProfile
  /** Where the active checks go ({{health_path}}). */
  readonly healthPath: string
}

/** How a peer plays a load balancer in front of N origins (catalog §12.5). */
export interface BalancerSupport {
  /** The template under test-fixtures/peers/ ("nginx/balancer.conf"). */
  readonly template: string
  /** What the template's config implements (JSON-compatible, catalog §12.2.3). */
  readonly profile: BalancerProfile
  launch(input: BalancerPeerInput, port: number, layout: PeerLayout, binary: string): PeerLaunch
}

/**
 * One way a peer is configured for a run (peer:NAME:PROFILE). The first of a
 * peer's profiles is its default; a peer without profiles has one way.
 */
export interface PeerProfile {
  readonly name: string
  /** One line for run --help, the README and the matrix. */
  readonly description: string
  /** The roles this profile plays (default: every role of the peer). */
  readonly roles?: readonly Role[]
  /**
   * True: the config sends the peer's CONNECTs on to the harness next hop
   * ({next_hop}), and the cases that need one apply. False: the peer opens
   * its tunnels itself, and those cases are not applicable.
   */
  readonly nextHop: boolean
  /**
   * The protocols its client side speaks (front.ts): 'h2' when the config
   * serves HTTP/2 (prior knowledge on cleartext, ALPN h2 behind TLS).
   * @default ['h1']
   */
  readonly fronts?: readonly Front[]
  /**
   * The default of a peer that ran without profiles before it had any:
   * runs and the matrix still name it peer:NAME (no profile part), so its
   * columns, evidence pages and reasons stay as they were. peer:NAME:<name>
   * selects it too.
   */
  readonly implicit?: true
}

/** What proxyspec knows about one real implementation. */
export interface PeerDefinition {
  readonly name: PeerName
  /** Program names to look for, in order (Apache is apache2 on Debian, httpd elsewhere). */
  readonly binaries: readonly string[]
  readonly roles: readonly Role[]
  /** The official public image a user would pull. */
  readonly defaultImage: string
  /** Ways to configure it, the default first (absent: one way, told every run value). */
  readonly profiles?: readonly [PeerProfile, ...PeerProfile[]]
  /** The template files (under test-fixtures/peers/) each role's config is built from. */
  templates(role: Role, profile?: PeerProfile): readonly string[]
  launch(role: Role, ports: PeerPorts, layout: PeerLayout, binary: string): PeerLaunch
  /** In the ftp-gateway role: the modes its config offers (absent: forward only). */
  readonly ftpModes?: readonly FtpMode[]
  /** Present when the peer can balance over several origins (startBalancerPeer). */
  readonly balancer?: BalancerSupport
  /**
   * The roles whose config can talk HTTP/2 to the origin (PeerPorts.upstream
   * 'h2'): a run with an upstream-'h2' case starts it a second time so, as the
   * target's h2-upstream twin (TargetEndpoint.h2Upstream). Absent: none.
   */
  readonly h2Upstream?: readonly Role[]
}

/** A started peer instance. */
export interface StartedPeer extends Started {
  readonly name: PeerName
  readonly role: Role
  readonly host: string
  readonly port: number
  readonly provider: ProviderKind
  /** The binary path (native) or the image (container). */
  readonly where: string
  /** The version line the peer printed. */
  readonly version: string
  readonly files: readonly PeerFile[]
  readonly argv: readonly string[]
  /** What the peer wrote to stderr and stdout so far (bounded). */
  output(): string
  /** Milliseconds from asking the provider until the peer listened (set by startPeer, startBalancerPeer). */
  readonly startMs?: number
}

/** Starts a peer in one role; throws HarnessError HARNESS_SPAWN_FAILED with one line. */
export interface PeerProvider {
  readonly kind: ProviderKind
  start(definition: PeerDefinition, role: Role, ports: PeerPorts): Promise<StartedPeer>
}
