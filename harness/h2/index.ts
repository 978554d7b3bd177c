// harness/h2: HTTP/2 pieces of catalog §11.1 — frames, our own HPACK
// encoder and decoder, the raw client (C (h2) raw mode) and the h2 origins
// (O2, lib and raw modes).
export {
  CLIENT_PREFACE,
  ERROR_CODE,
  FLAG,
  FRAME_TYPE,
  SETTING,
  errorCodeName,
  frameTypeName,
  settingName,
  type FrameKind,
} from './constants.js'
export {
  FrameParser,
  decodeFrame,
  decodeFrameHeader,
  describeFrameHeader,
  encodeFrame,
  type Frame,
  type FrameHeader,
  type FrameSpec,
  type ParsedFrame,
  type Priority,
} from './frames.js'
export {
  HpackEncoder,
  encodeInteger,
  encodeString,
  type BlockItem,
  type FieldRepresentation,
  type FieldSpec,
  type HuffmanChoice,
  type LiteralIndexing,
  type SizeUpdate,
} from './hpack-encoder.js'
export { HpackDecoder, type DecodedBlock, type DecodedField } from './hpack-decoder.js'
export { huffmanDecode, huffmanEncode } from './hpack-huffman.js'
export { DynamicTable, STATIC_TABLE } from './hpack-static.js'
export {
  FrameConnection,
  type ClosedValue,
  type FrameConnectionOptions,
  type PeerState,
  type WaitOptions,
} from './frame-connection.js'
export {
  pairsOf,
  type FrameRecord,
  type HeaderBlock,
  type StreamEnd,
  type StreamResult,
} from './records.js'
export { type DataFrameOptions, type HeaderFrameOptions } from './stream-frames.js'
export {
  openH2RawClient,
  type H2RawClient,
  type H2RawClientOptions,
  type H2RequestSpec,
} from './raw-client.js'
export {
  startH2Origin,
  startH2RawOrigin,
  type H2OriginOptions,
  type H2OriginRequest,
  type H2OriginResponder,
  type H2OriginResponse,
  type H2RawOriginOptions,
  type H2RawRequest,
  type H2RawResponder,
  type H2RawResponse,
  type StartedH2Origin,
  type StartedH2RawOrigin,
} from './origin.js'
export { quote, renderFrameTranscript, type RenderOptions } from './transcript.js'
