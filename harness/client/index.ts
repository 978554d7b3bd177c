// harness/client: the raw client a case drives.
export { openRawClient, type RawClientOptions } from './raw-client.js'
export type { RawClientTlsOptions } from './connect-socket.js'
export type {
  CloseKind,
  RawClient,
  ReadOptions,
  ReadResponseOptions,
  ReadResponseResult,
  WriteOptions,
} from './types.js'
