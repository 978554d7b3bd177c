/**
 * RFC 9113 numbers: frame types (§6), flags, error codes (§7), settings
 * (§6.5.2, plus RFC 8441 §3) and the client connection preface (§3.4).
 */
export const FRAME_TYPE = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const

export type FrameKind = keyof typeof FRAME_TYPE

export const FLAG = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const

export const ERROR_CODE = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  SETTINGS_TIMEOUT: 0x4,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  CONNECT_ERROR: 0xa,
  ENHANCE_YOUR_CALM: 0xb,
  INADEQUATE_SECURITY: 0xc,
  HTTP_1_1_REQUIRED: 0xd,
} as const

export const SETTING = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
  MAX_HEADER_LIST_SIZE: 0x6,
  /** RFC 8441 §3. */
  ENABLE_CONNECT_PROTOCOL: 0x8,
} as const

/** RFC 9113 §3.4: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n". */
export const CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')

export const FRAME_HEADER_LENGTH = 9
export const DEFAULT_MAX_FRAME_SIZE = 16_384

/** The name of a frame type, or "0xNN" for one RFC 9113 does not define. */
export function frameTypeName(type: number): string {
  for (const [name, value] of Object.entries(FRAME_TYPE)) if (value === type) return name
  return `0x${type.toString(16).padStart(2, '0')}`
}

/** The name of an error code, or its number in hex. */
export function errorCodeName(code: number): string {
  for (const [name, value] of Object.entries(ERROR_CODE)) if (value === code) return name
  return `0x${code.toString(16)}`
}

/** The name of a setting, or its number in hex. */
export function settingName(id: number): string {
  for (const [name, value] of Object.entries(SETTING)) if (value === id) return name
  return `0x${id.toString(16)}`
}
