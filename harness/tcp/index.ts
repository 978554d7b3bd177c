// harness/tcp: plain TCP servers that serve as CONNECT targets.
export { startEchoServer } from './echo-server.js'
export { startSinkServer } from './sink-server.js'
export { startBannerServer } from './banner-server.js'
export type {
  BannerOptions,
  EchoOptions,
  SinkOptions,
  StartedTcpServer,
  TcpConnectionRecord,
  TcpEvent,
  TcpEventListener,
} from './types.js'
