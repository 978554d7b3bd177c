// harness/wire: byte-exact HTTP/1.1 reading and writing.
export * from './types.js'
export { HttpParser, createRequestParser, createResponseParser, parseMessages } from './parser.js'
export { requestBytes, responseBytes, chunkedBody, STATUS_REASONS } from './serialize.js'
export {
  fieldValues,
  firstFieldValue,
  hasField,
  listTokens,
  connectionOptions,
  headerText,
} from './fields.js'
