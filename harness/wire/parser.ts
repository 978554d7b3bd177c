/** The parsing side of harness/wire (see CONTRACT.md): one import path for all of it. */
export { HttpParser, createRequestParser, createResponseParser } from './http-parser.js'
export { parseMessages, type ParseMessagesOptions, type ParsedMessages } from './parse-messages.js'
