/**
 * Steps of the upgrade stage: protocol switching (Upgrade offers, 101 handling, WebSocket frames after the switch).
 * Each is named for the decision it takes; steps/index.ts composes the stages.
 */
import type { Socket } from 'node:net'
import type { RequestHead, ResponseHead } from '../../../wire/types.js'
import {
  asksToUpgrade,
  clientSwitchHead,
  mayUpgradeFrom,
  relaysProtocol,
  switchProblem,
  upstreamUpgradeLines,
  type UpgradeOffer,
} from '../upgrade.js'
import {
  afterDeclinedUpgrade,
  exchangeUpgrade,
  upgradeTunnel,
  type UpgradeEnd,
  type UpgradeExchange,
} from '../upgrade-exchange.js'

export interface UpgradeSteps {
  /** Whether a request in `version` may switch protocols: HTTP/1.1 only (RFC 9110 §7.8, UPG-02). */
  readonly mayUpgradeFrom: (version: string) => boolean
  /** Whether the request asks this hop to switch: `upgrade` in Connection (RFC 9110 §7.8, §7.6.1; UPG-03). */
  readonly asksToUpgrade: (head: RequestHead) => boolean
  /** Whether an offered protocol is relayed: all but h2c (RFC 9113 §3.1; UPG-12). */
  readonly relaysProtocol: (protocol: string) => boolean
  /** The Upgrade and Connection lines added to the upgrade request sent upstream (RFC 9110 §7.8; UPG-01, UPG-03). */
  readonly upstreamUpgradeLines: (head: RequestHead, offer: UpgradeOffer) => string[]
  /** Sends the upgrade request and handles the answer: nothing else goes upstream before it (UPG-04, UPG-06). */
  readonly exchangeUpgrade: (exchange: UpgradeExchange) => Promise<UpgradeEnd>
  /** Why a 101 is no switch this proxy relays, or undefined (RFC 9110 §15.2.2, §7.8; UPG-05). */
  readonly switchProblem: (response: ResponseHead, offer: UpgradeOffer) => string | undefined
  /** The 101 head written to the client (RFC 9110 §7.8, §8.6; RFC 6455 §4.2.2; UPG-07, UPG-11). */
  readonly clientSwitchHead: (
    relayed: Buffer,
    response: ResponseHead,
    request: RequestHead,
  ) => Buffer
  /** What a relayed answer other than a 101 leaves: both connections stay HTTP (RFC 9110 §7.8; UPG-04). */
  readonly afterDeclinedUpgrade: (
    exchange: UpgradeExchange,
    result: { readonly clientMayPersist: boolean; readonly upstreamMayPersist: boolean },
  ) => UpgradeEnd
  /** Relays the tunnel after a switch, byte for byte, closes passed on (RFC 6455 §5; UPG-10, UPG-14). */
  readonly upgradeTunnel: (client: Socket, upstream: Socket, idleTimeoutMs: number) => void
}

export const upgradeSteps: UpgradeSteps = {
  mayUpgradeFrom,
  asksToUpgrade,
  relaysProtocol,
  upstreamUpgradeLines,
  exchangeUpgrade,
  switchProblem,
  clientSwitchHead,
  afterDeclinedUpgrade,
  upgradeTunnel,
}
