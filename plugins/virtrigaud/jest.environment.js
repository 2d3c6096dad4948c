// jsdom lacks the Fetch and Streams globals that Node has (the API client streams server-sent
// events through fetch + TextDecoderStream), so the test environment lends Node's own.
const { TestEnvironment } = require('jest-environment-jsdom');

const NODE_WEB_GLOBALS = [
  'fetch',
  'Request',
  'Response',
  'Headers',
  'FormData',
  'Blob',
  'AbortController',
  'AbortSignal',
  'ReadableStream',
  'WritableStream',
  'TransformStream',
  'TextEncoder',
  'TextDecoder',
  'TextEncoderStream',
  'TextDecoderStream',
  'structuredClone',
  'BroadcastChannel',
];

class JsdomWithNodeWebGlobals extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of NODE_WEB_GLOBALS) this.global[name] = globalThis[name];
    // Errors thrown by those natives must still be `instanceof Error` inside tests.
    this.global.Error = Error;
  }
}

module.exports = JsdomWithNodeWebGlobals;
